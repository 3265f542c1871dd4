import CryptoModels
import Foundation
import Logging
import NewsSentiment
import ProviderKit
import ReplayUpstream
import Testing

/// The Fear & Greed collector against the replay upstream serving the real alternative.me capture.
@Suite("Fear & Greed collector", .timeLimit(.minutes(1)))
struct FearGreedCollectorTests {
    func collector(_ base: String, http: ProviderHTTP, store: MemoryNewsStore, backfill: Int) -> FearGreedCollector {
        let endpoint = ProviderEndpoint(configuration: .init(name: "alternative.me", baseURL: base + "/alternative_me",
                                                             timeout: .seconds(10), retry: RetryPolicy(maxAttempts: 1)), http: http)
        return FearGreedCollector(endpoint: endpoint, store: store, interval: .seconds(3_600), backfillDays: backfill,
                                  logger: Logger(label: "test"))
    }

    @Test("the first poll backfills `limit=N` days, later polls ask for 2; the capture's values are stored per day")
    func backfillThenDaily() async throws {
        try await NewsFixtures.withReplayAndHTTP { server, base, http in
            // The capture answers limit=2; serve the same capture for the backfill request too.
            try server.store.addRoute(RouteSpec(path: "/alternative_me/fng/", query: ["limit": "30"], file: "alternative_me/fng_limit2.json"))
            let store = MemoryNewsStore()
            let fng = collector(base, http: http, store: store, backfill: 30)
            let first = await fng.poll()
            #expect(first == [FearGreedEntry(value: 69, classification: "Greed", ts: 1_788_825_600_000),
                              FearGreedEntry(value: 71, classification: "Greed", ts: 1_788_739_200_000)])
            _ = await fng.poll()
            let limits = server.store.hits.log.filter { $0.path == "/alternative_me/fng/" }.map { $0.query["limit"] }
            #expect(limits == ["30", "2"])
            let stored = try await store.fearGreed(from: 0, to: 1_800_000_000_000)
            #expect(stored.map(\.value) == [71, 69])  // one row per day, ascending
            #expect(fng.latest?.value == 69)
        }
    }

    @Test("a failing alternative.me stores nothing, keeps backfilling, and shows in the provider's health")
    func failure() async throws {
        try await NewsFixtures.withReplayAndHTTP { server, base, http in
            _ = try server.store.addFault(FaultSpec(path: "/alternative_me/fng/", fault: .status, status: 503))
            let store = MemoryNewsStore()
            let fng = collector(base, http: http, store: store, backfill: 2)
            #expect(await fng.poll().isEmpty)
            #expect(try await store.fearGreed(from: 0, to: 1_800_000_000_000).isEmpty)
            #expect(fng.endpoint.healthCheck().detail?.contains("HTTP 503") == true)
            server.store.clearFaults()
            #expect(await fng.poll().count == 2)
        }
    }
}
