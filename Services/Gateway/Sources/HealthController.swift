import Contracts
import Foundation
import Hummingbird
import RPC
import ServiceKit

/// Probes one backend's health.
public protocol HealthProbe: Sendable {
    /// Asks `service` for its health within `timeout`; never throws.
    func probe(_ service: ServiceName, timeout: Duration) async -> ServiceHealth
}

/// One service's entry in `/api/health`.
public struct ServiceHealth: Sendable, Codable, Hashable {
    /// Executable name (`market-svc`).
    public var name: String
    /// Its status; `unhealthy` when it could not be reached.
    public var status: HealthStatus
    /// Round-trip latency of the probe in milliseconds.
    public var latencyMs: Double
    /// What the service reported, when it answered.
    public var version: String?
    public var uptimeS: Double?
    public var pid: Int32?
    public var checks: [ComponentCheck]?
    /// Why it is not reachable.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case name, status, latencyMs = "latency_ms", version, uptimeS = "uptime_s", pid, checks, error
    }
}

/// The body of `/api/health`.
struct HealthSummary: Codable {
    var status: HealthStatus
    var version: String
    var time: String
    var ts: Int64
    var services: [ServiceHealth]
}

/// `system.health` over RPC.
struct RPCHealthProbe: HealthProbe {
    let backends: Backends

    func probe(_ service: ServiceName, timeout: Duration) async -> ServiceHealth {
        let started = ContinuousClock.now
        do {
            let report = try await backends.client(service).call(System.Health.self, NoParams(), timeout: timeout)
            return ServiceHealth(name: service.executable, status: report.status, latencyMs: millis(since: started),
                                 version: report.version, uptimeS: report.uptimeS, pid: report.pid, checks: report.checks)
        } catch {
            let reason = (error as? RPCError)?.message ?? "\(error)"
            return ServiceHealth(name: service.executable, status: .unhealthy, latencyMs: millis(since: started), error: reason)
        }
    }
}

func millis(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return (Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15).rounded(toPlaces: 3)
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

/// `GET /health` (liveness) and `GET /api/health` (every backend, answered within the probe timeout).
struct HealthController: Sendable {
    let probe: any HealthProbe
    let services: [ServiceName]
    let timeout: Duration
    /// The `ADMIN_API_KEY` bootstrap, when one is configured: the gateway is degraded until the key exists.
    var adminKey: AdminKeyStatus? = nil

    func addRoutes(to router: Router<GatewayContext>) {
        router.get("/health") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/api/health") { _, _ in try await summary() }
    }

    func summary() async throws -> Response {
        let backendResults = await withTaskGroup(of: (Int, ServiceHealth).self) { group in
            for (index, service) in services.enumerated() {
                group.addTask { (index, await probe.probe(service, timeout: timeout)) }
            }
            var collected: [(Int, ServiceHealth)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let results = [selfReport()] + backendResults
        let overall = Self.overall(results.map(\.status))
        let now = Date()
        let body = HealthSummary(status: overall, version: ProductVersion.current,
                                 time: now.formatted(.iso8601), ts: Int64(now.timeIntervalSince1970 * 1_000), services: results)
        return try JSONBody.response(body, status: overall == .unhealthy ? .serviceUnavailable : .ok,
                                     headers: [.cacheControl: "no-store"])
    }

    /// The gateway's own entry: it is answering, so it is healthy — degraded while a configured `ADMIN_API_KEY`
    /// is not yet stored (requests with it would get 401 until then).
    func selfReport() -> ServiceHealth {
        var checks = [ProcessCheck.check()]
        var status = HealthStatus.healthy
        if let adminKey {
            let done = adminKey.isDone
            if !done { status = .degraded }
            checks.append(ComponentCheck(name: "admin-key", status: done ? .healthy : .degraded,
                                         detail: done ? "ADMIN_API_KEY bootstrapped" : "waiting for store-svc to store ADMIN_API_KEY"))
        }
        return ServiceHealth(name: ServiceName.gateway.executable, status: status, latencyMs: 0, version: ProductVersion.current,
                             uptimeS: ProcessInfo.processInfo.systemUptime - Self.startedAt, pid: getpid(), checks: checks)
    }

    /// Process start, in the `systemUptime` clock.
    static let startedAt = ProcessInfo.processInfo.systemUptime

    /// Healthy when all are; unhealthy when none is reachable; degraded otherwise.
    static func overall(_ statuses: [HealthStatus]) -> HealthStatus {
        if statuses.allSatisfy({ $0 == .healthy }) { return .healthy }
        if statuses.dropFirst().allSatisfy({ $0 == .unhealthy }) { return .unhealthy }
        return .degraded
    }
}
