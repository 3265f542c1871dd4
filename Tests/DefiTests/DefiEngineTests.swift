import Contracts
import CryptoModels
import Foundation
import Logging
import ProviderKit
import ReplayUpstream
import RPC
import ServiceKit
import Synchronization
import TestSupport
import Testing
@testable import Defi

/// The engine and collector against the in-process replay upstream serving the real DefiLlama captures.
@Suite("DeFi engine", .timeLimit(.minutes(1)))
struct DefiEngineTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Snapshots the collector recorded.
    final class RecordingSink: DefiSnapshotSink {
        let snapshots = Mutex<[(ts: EpochMillis, protocols: [DefiProtocol])]>([])
        func record(protocols: [DefiProtocol], ts: EpochMillis) async { snapshots.withLock { $0.append((ts, protocols)) } }
        var count: Int { snapshots.withLock { $0.count } }
        var last: [DefiProtocol] { snapshots.withLock { $0.last?.protocols ?? [] } }
    }

    /// Runs `body` with an engine whose DefiLlama endpoint points at a replay server.
    static func withEngine(_ extra: [String: String] = [:], _ body: (DefiEngine, ReplayServer) async throws -> Void) async throws {
        let server = try ReplayServer(configuration: .init(fixturesDirectory: fixtures,
                                                           routesFile: fixtures.appendingPathComponent("replay/routes.json")))
        try await server.withRunning { address in
            var env = ["DEFILLAMA_BASE_URL": "http://127.0.0.1:\(address.port)/defillama", "PROVIDER_RETRY_ATTEMPTS": "1",
                       "PROVIDER_TIMEOUT": "30"]  // generous: a busy start of the parallel suite must not look like a hang
            env.merge(extra) { $1 }
            let settings = Settings(environment: env)
            try await PatientProviderHTTP.with { http in
                let endpoint = ProviderEndpoint(configuration: DefiSettings.endpoint(settings), http: http)
                let engine = DefiEngine(settings: DefiSettings(settings: settings), endpoint: endpoint, logger: Logger(label: "test"))
                try await body(engine, server)
            }
        }
    }

    @Test("collector: records the largest DEFI_SNAPSHOT_LIMIT protocols; a failed forced refresh records nothing and is not stale")
    func collector() async throws {
        try await Self.withEngine(["DEFI_SNAPSHOT_LIMIT": "3"]) { engine, server in
            let sink = RecordingSink()
            let status = DefiCollector.StatusBox()
            let collector = DefiCollector(engine: engine, hub: NotificationHub(), sink: sink, logger: Logger(label: "test"), status: status)
            await collector.refresh()
            #expect(sink.count == 1)
            #expect(sink.last.map(\.slug) == ["curve", "makerdao", "aave"])
            #expect(sink.last.first?.tvl == Amount(parsing: "16890071630.01999"))

            _ = try server.store.addFault(FaultSpec(path: "/defillama/protocols", fault: .status, status: 500))
            await collector.refresh()
            #expect(sink.count == 1)
            let check = DefiCollector.healthCheck(status, every: .seconds(3_600))
            #expect(check.detail?.hasPrefix("last refresh failed") == true)
            #expect(check.status == .healthy)
            #expect(DefiCollector.healthCheck(status, every: .seconds(3_600), failingStatus: .degraded).status == .degraded)
            let (_, meta, _) = try await engine.allProtocols(force: true)
            #expect(!meta.stale && meta.cached)
            #expect(server.store.hits.count(path: "/defillama/protocols") == 3)
        }
    }

    @Test("an unknown slug is unknown-protocol without a call; a known one is read from /protocol/{slug} and cached")
    func protocolDetail() async throws {
        try await Self.withEngine { engine, server in
            try server.store.addRoute(RouteSpec(path: "/defillama/protocol/aave", file: "written/defillama_protocol_aave.json"))
            do throws(RPCError) {
                _ = try await engine.protocolDetail(.init(slug: "no-such-protocol"))
                Issue.record("expected unknown-protocol")
            } catch {
                #expect(error.data?.type == "unknown-protocol" && error.data?.status == 404)
            }
            #expect(server.store.hits.count(path: "/defillama/protocol/no-such-protocol") == 0)
            let aave = try await engine.protocolDetail(.init(slug: "Aave", days: 30, include: ["borrowed"]))
            #expect(aave.protocol.tvl == Amount(parsing: "5100000000"))
            #expect(aave.protocol.chainTvls == ["Ethereum": Amount(parsing: "3200000000")!, "Polygon": Amount(parsing: "1900000000")!])
            #expect(aave.history.isEmpty, "the written history is from 2021, outside the last 30 days")
            #expect(aave.meta.asOf == 1_609_545_600_000)
            _ = try await engine.protocolDetail(.init(slug: "aave"))
            #expect(server.store.hits.count(path: "/defillama/protocol/aave") == 1)
        }
    }

    @Test("garbage and hanging bodies become a 503 naming DefiLlama with the kind of failure", arguments: [
        ("garbage", "malformed"), ("hang", "timeout"),
    ])
    func failures(fault: String, kind: String) async throws {
        try await Self.withEngine(["PROVIDER_TIMEOUT": fault == "hang" ? "0.5" : "30"]) { engine, server in
            _ = try server.store.addFault(FaultSpec(path: "/defillama/v2/historicalChainTvl", fault: fault == "hang" ? .hang : .garbage))
            let started = ContinuousClock.now
            do throws(RPCError) {
                _ = try await engine.tvlChart(.init(days: 30))
                Issue.record("expected a problem")
            } catch {
                #expect(error.data?.type == "upstream-unavailable" && error.data?.status == 503)
                guard case .array(let providers)? = error.data?.extensions["providers"], case .object(let first)? = providers.first else {
                    Issue.record("no providers in \(error)")
                    return
                }
                #expect(first["name"] == .string("defillama"))
                #expect(first["error"] == .string(kind))
            }
            if fault == "hang" {
                // One 0.5 s timeout, not the test's time limit (minutes); the margin absorbs a busy parallel run.
                #expect(ContinuousClock.now - started < .seconds(20), "a hang costs one timeout, not the test's time limit")
            }
        }
    }
}
