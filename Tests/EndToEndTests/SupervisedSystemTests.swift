import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import TestSupport

/// The real executables under the real supervisord.conf, started as `make run` starts them.
@Suite("supervised system", .serialized, .timeLimit(.minutes(5)))
struct SupervisedSystemTests {
    @Test("all six services come up healthy; /api/health names each with its latency")
    func allHealthy() async throws {
        try await SystemHarness.with { system in
        let healthy = await system.waitUntilHealthy()
        #expect(healthy, "system did not become healthy:\n\(system.supervisor.output().suffix(4_000))")
        let health = try #require(await system.health())
        #expect(Set(health.services.map(\.name)) ==
                ["gateway", "store-svc", "market-svc", "defi-svc", "news-sentiment-svc", "monitor-svc"])
        for service in health.services {
            #expect(service.status == "healthy")
            #expect(service.pid != nil)
            #expect(service.latency_ms < 1_000)
        }
        let live = try await system.request("/health")
        #expect(live.status == 200)
        #expect(live.headers.first(name: "x-request-id")?.isEmpty == false)
        }
    }

    @Test("kill -9 of any service: /api/health shows it down, then healthy within 5 s; never a 500")
    func killNineEachService() async throws {
        try await SystemHarness.with { system in
        #expect(await system.waitUntilHealthy(), "\(system.supervisor.output().suffix(4_000))")
        for name in ["store-svc", "market-svc", "defi-svc", "news-sentiment-svc", "monitor-svc"] {
            let before = try #require(await system.health()?.service(name)?.pid)
            kill(before, SIGKILL)
            let killedAt = ContinuousClock.now
            var sawDown = false
            var recovered = false
            var statuses: Set<Int> = []
            while ContinuousClock.now - killedAt < .seconds(8) {
                let response = try await system.request("/api/health")
                statuses.insert(response.status)
                let body = try JSONDecoder().decode(HealthBody.self, from: Data(response.body.utf8))
                let entry = body.service(name)
                if entry?.status != "healthy" || entry?.pid == before { sawDown = sawDown || entry?.status != "healthy" }
                if let entry, entry.status == "healthy", entry.pid != before, body.status == "healthy" {
                    recovered = true
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let elapsed = ContinuousClock.now - killedAt
            #expect(sawDown, "\(name): never observed down")
            #expect(recovered, "\(name): not healthy again")
            #expect(elapsed < .seconds(5), "\(name): took \(elapsed)")
            #expect(!statuses.contains(500), "\(name): got a 500")
        }
        // A hung service (stopped, not dead): /api/health still answers, measuring the probe at under 1 s.
        let hung = try #require(await system.health()?.service("market-svc")?.pid)
        kill(hung, SIGSTOP)
        let whileHung = try await system.request("/api/health")
        kill(hung, SIGCONT)
        #expect(whileHung.status == 200)
        let hungBody = try JSONDecoder().decode(HealthBody.self, from: Data(whileHung.body.utf8))
        #expect(hungBody.status == "degraded")
        #expect(hungBody.service("market-svc")?.status == "unhealthy")
        #expect((hungBody.service("market-svc")?.latency_ms ?? 10_000) < 1_000)
        #expect(await Eventually.wait(timeout: .seconds(5)) { await system.health()?.status == "healthy" })

        // The gateway itself: while it is down, requests fail to connect (no 500); it comes back within 5 s.
        let gatewayPID = try #require(await system.health()?.service("gateway")?.pid)
        kill(gatewayPID, SIGKILL)
        let killedAt = ContinuousClock.now
        let back = await Eventually.wait(timeout: .seconds(5), interval: .milliseconds(50)) {
            guard let health = await system.health() else { return false }
            return health.service("gateway")?.pid != gatewayPID
        }
        #expect(back, "gateway not back after \(ContinuousClock.now - killedAt)")
        }
    }

    @Test("bad input to the gateway is answered with problem+json and never crashes it")
    func badInput() async throws {
        try await SystemHarness.with { system in
        #expect(await system.waitUntilHealthy())
        let unknown = try await system.request("/api/no-such-route?x=1")
        #expect(unknown.status == 404)
        #expect(unknown.headers.first(name: "content-type") == "application/problem+json")
        let problem = try #require(try JSONSerialization.jsonObject(with: Data(unknown.body.utf8)) as? [String: Any])
        #expect(problem["type"] as? String == "not-found")
        #expect(problem["status"] as? Int == 404)
        #expect(problem["request_id"] as? String == unknown.headers.first(name: "x-request-id"))

        let wrongMethod = try await system.request("/api/health", method: .DELETE)
        #expect([404, 405].contains(wrongMethod.status))
        #expect(wrongMethod.headers.first(name: "content-type") == "application/problem+json")

        let hugeBody = try await system.request("/api/health", method: .POST, body: ByteBuffer(repeating: 0x41, count: 4 << 20))
        #expect(hugeBody.status >= 400 && hugeBody.status < 500)
        #expect(hugeBody.headers.first(name: "content-type") == "application/problem+json")

        // Oversized headers: the request is refused (or the connection closed) — and the gateway lives on.
        let hugeHeader = try? await system.request("/api/health", headers: [("X-Big", String(repeating: "b", count: 200_000))])
        if let hugeHeader { #expect(hugeHeader.status >= 400 && hugeHeader.status < 500) }
        let after = try await system.request("/health")
        #expect(after.status == 200)

        let requestID = try await system.request("/health", headers: [("X-Request-Id", "abc-123")])
        #expect(requestID.headers.first(name: "x-request-id") == "abc-123")
        let hostileID = try await system.request("/health", headers: [("X-Request-Id", "bad id\" with spaces")])
        #expect(hostileID.headers.first(name: "x-request-id") != "bad id\" with spaces")
        }
    }

    @Test("SIGTERM to supervisord stops every service")
    func stopAll() async throws {
        let system = try await SystemHarness()
        #expect(await system.waitUntilHealthy())
        let pids = try #require(await system.health()).services.compactMap(\.pid)
        #expect(pids.count == 6)
        await system.stop()
        #expect(!system.supervisor.isRunning)
        for pid in pids { #expect(kill(pid, 0) != 0, "pid \(pid) still alive") }
    }
}
