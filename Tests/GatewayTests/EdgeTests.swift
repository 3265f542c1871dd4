import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import ServiceKit
import Testing

/// The gateway's edge: health aggregation with a hanging backend, problem+json for unknown routes, request ids.
@Suite("Gateway edge")
struct EdgeTests {
    /// A probe that answers healthy, except for the `hanging` services, which never answer within the timeout.
    struct ScriptedProbe: HealthProbe {
        var hanging: Set<ServiceName> = []
        func probe(_ service: ServiceName, timeout: Duration) async -> ServiceHealth {
            let started = ContinuousClock.now
            let status = HealthStatus.healthy
            guard !hanging.contains(service) else {
                try? await Task.sleep(for: timeout)
                return ServiceHealth(name: service.executable, status: .unhealthy, latencyMs: millis(since: started),
                                     error: "deadline exceeded")
            }
            return ServiceHealth(name: service.executable, status: status, latencyMs: 0.1, version: "t", uptimeS: 1, pid: 7)
        }
    }

    func app(_ probe: ScriptedProbe) throws -> some ApplicationProtocol {
        let settings = Settings(environment: ["HEALTH_PROBE_TIMEOUT": "0.3", "ACCESS_LOG": "false"])
        let dependencies = GatewayApp.Dependencies(health: probe, backends: try Backends(settings: settings))
        let router = GatewayApp.makeRouter(settings: settings, logger: .init(label: "test"), dependencies: dependencies)
        return Application(router: router)
    }

    @Test("a hanging service makes /api/health degraded, with every service listed")
    func degraded() async throws {
        try await app(ScriptedProbe(hanging: [.market])).test(.router) { client in
            try await client.execute(uri: "/api/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["status"] as? String == "degraded")
                let services = body?["services"] as? [[String: Any]] ?? []
                #expect(services.count == 6)
                #expect(services.first { $0["name"] as? String == "market-svc" }?["status"] as? String == "unhealthy")
                #expect(services.first { $0["name"] as? String == "gateway" }?["status"] as? String == "healthy")
            }
        }
    }

    @Test("a configured ADMIN_API_KEY not yet stored keeps the gateway degraded; stored, it is healthy")
    func adminKeyPending() async throws {
        let status = AdminKeyStatus()
        let controller = HealthController(probe: ScriptedProbe(), services: ServiceName.backends, timeout: .seconds(1),
                                          adminKey: status)
        let pending = controller.selfReport()
        #expect(pending.status == .degraded)
        #expect(pending.checks?.first { $0.name == "admin-key" }?.status == .degraded)
        status.finish()
        let done = controller.selfReport()
        #expect(done.status == .healthy)
        #expect(done.checks?.first { $0.name == "admin-key" }?.detail == "ADMIN_API_KEY bootstrapped")
        #expect(HealthController(probe: ScriptedProbe(), services: [], timeout: .seconds(1)).selfReport().status == .healthy)
    }

    @Test("every backend unreachable → 503 unhealthy; all healthy → healthy")
    func overall() {
        #expect(HealthController.overall([.healthy, .healthy]) == .healthy)
        #expect(HealthController.overall([.healthy, .degraded]) == .degraded)
        #expect(HealthController.overall([.healthy, .unhealthy, .unhealthy]) == .unhealthy)
        #expect(HealthController.overall([.healthy, .unhealthy, .healthy]) == .degraded)
    }

    @Test("unknown routes are problem+json with the request id; a sane inbound X-Request-Id is echoed")
    func notFound() async throws {
        try await app(ScriptedProbe()).test(.router) { client in
            try await client.execute(uri: "/api/nope", method: .get, headers: [.init("X-Request-Id")!: "req-42"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.init("X-Request-Id")!] == "req-42")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["type"] as? String == "not-found")
                #expect(body?["request_id"] as? String == "req-42")
            }
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["openapi"] as? String == "3.1.0")
                let paths = body?["paths"] as? [String: Any] ?? [:]
                #expect(paths["/api/health"] != nil)
                #expect(paths["/api/prices"] != nil)
            }
        }
    }
}
