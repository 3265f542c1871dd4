import Contracts
import CryptoModels
import Foundation
import Logging
import NewsSentiment
import ProviderKit
import ReplayUpstream
import RPC
import Testing
import TestSupport

/// The ingestor and the scorer in process: real feeds from the replay upstream, an in-memory store with store-svc's
/// dedup rule, the tiny fixture model.
@Suite("News ingestion and scoring", .timeLimit(.minutes(1)))
struct NewsIngestorTests {
    let logger = Logger(label: "test")

    func sources(_ base: String, http: ProviderHTTP, hangTimeout: Duration) -> [FeedSource] {
        let tagger = NewsAssets.tagger()
        func make(_ name: String, _ path: String, timeout: Duration = .seconds(10)) -> FeedSource {
            FeedSource(spec: FeedSpec(name: name, url: base + path), tagger: tagger, http: http, timeout: timeout, maxBytes: 5 << 20,
                       failingStatus: .degraded)
        }
        return [make("hang", "/feeds/hang.xml", timeout: hangTimeout), make("CoinDesk", "/rss/coindesk.xml"),
                make("Cointelegraph", "/rss/cointelegraph.xml"), make("Aggregator", "/feeds/aggregator.xml"),
                make("garbage", "/feeds/garbage.xml")]
    }

    @Test("a story in two feeds is stored once; a hanging and a garbage feed delay nobody; the next poll is all 304")
    func dedupAndIsolation() async throws {
        try await NewsFixtures.withReplayAndHTTP { server, base, http in
            let now = Timestamps.nowMillis()
            try server.store.addRoute(RouteSpec(path: "/feeds/aggregator.xml", body: NewsFixtures.repostFeed(now: now),
                                                headers: ["content-type": "application/rss+xml"], etag: "auto"))
            try server.store.addRoute(RouteSpec(path: "/feeds/garbage.xml", file: "feeds/garbage_binary.bin"))
            _ = try server.store.addFault(FaultSpec(path: "/feeds/hang.xml", fault: .hang))
            let store = MemoryNewsStore()
            let feeds = sources(base, http: http, hangTimeout: .seconds(8))
            let ingestor = NewsIngestor(sources: feeds, store: store, hub: NotificationHub(), scorer: nil,
                                        interval: .seconds(600), logger: logger)
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask { await ingestor.pollAll() }
                // All 9 distinct stories are stored while the hanging feed is still waiting for its timeout.
                let stored = await Eventually.wait(timeout: .seconds(7), interval: .milliseconds(20)) { store.items.count == 9 }
                #expect(stored)
                #expect(ContinuousClock.now - started < .seconds(8))
                let total = try await group.next()
                #expect(total == 9)
            }
            let items = store.items
            #expect(Set(items.map(\.id)).count == 9)
            #expect(items.filter { $0.url == NewsFixtures.coindeskFirst }.count == 1)
            #expect(items.filter { $0.url == NewsFixtures.cointelegraphFirst }.count == 1)
            #expect(items.first { $0.title.hasPrefix("Bitcoin rallies") }?.assets == ["BTC"])
            #expect(items.first { $0.title.hasPrefix("Bitcoin rallies") }?.summary == "Bitcoin rose 5% & traders cheered.")
            #expect(items.first { $0.title.hasPrefix("Ethereum developers") }?.assets == ["ETH"])
            let health = Dictionary(uniqueKeysWithValues: feeds.map { ($0.spec.name, $0.healthCheck()) })
            #expect(health["hang"]?.status == .degraded)
            #expect(health["garbage"]?.status == .degraded)
            #expect(health["CoinDesk"]?.status == .healthy)
            #expect(health["Aggregator"]?.observed?["items"] == 4)

            // Second poll: conditional GETs answered 304, nothing new, nothing duplicated.
            _ = try server.store.addFault(FaultSpec(path: "/feeds/hang.xml", fault: .status, status: 503))
            let again = await ingestor.pollAll()
            #expect(again == 0)
            #expect(store.items.count == 9)
            let statuses = server.store.hits.log.filter { $0.path.hasPrefix("/rss/") || $0.path == "/feeds/aggregator.xml" }.map(\.status)
            #expect(statuses.filter { $0 == 304 }.count == 3)
        }
    }

    @Test("short post-number guids are scoped to their feed: two feeds' guid 42 are two stories, not one")
    func scopedGUIDs() async throws {
        try await NewsFixtures.withReplayAndHTTP { server, base, http in
            for (name, link) in [("a", "https://a.example.org/story"), ("b", "https://b.example.org/other")] {
                let feed = """
                    <rss version="2.0"><channel><title>\(name)</title><item><title>Story \(name)</title><link>\(link)</link>
                    <guid isPermaLink="false">42</guid><pubDate>Wed, 30 Sep 2026 17:16:31 +0000</pubDate></item></channel></rss>
                    """
                try server.store.addRoute(RouteSpec(path: "/feeds/\(name).xml", body: feed, headers: ["content-type": "application/rss+xml"]))
            }
            let store = MemoryNewsStore()
            let feeds = ["a", "b"].map {
                FeedSource(spec: FeedSpec(name: $0, url: base + "/feeds/\($0).xml"), tagger: NewsAssets.tagger(), http: http,
                           timeout: .seconds(10), maxBytes: 1 << 20)
            }
            let ingestor = NewsIngestor(sources: feeds, store: store, hub: NotificationHub(), scorer: nil, interval: .seconds(600), logger: logger)
            #expect(await ingestor.pollAll() == 2)
            #expect(Set(store.items.compactMap(\.guid)) == ["a:42", "b:42"])
        }
    }

    @Test("items stored while the model is unavailable are scored by the model once it is loaded; never a stand-in")
    func scoresWhenModelArrives() async throws {
        try await NewsFixtures.withReplayAndHTTP { _, base, http in
            let store = MemoryNewsStore()
            let source = FeedSource(spec: FeedSpec(name: "CoinDesk", url: base + "/rss/coindesk.xml"), tagger: NewsAssets.tagger(),
                                    http: http, timeout: .seconds(10), maxBytes: 5 << 20)
            let missing = SentimentModelRunner(kind: .financial, directory: "/nonexistent/model", threads: 1, logger: logger)
            let unavailable = NewsScorer(model: missing, store: store, hub: NotificationHub(), interval: .seconds(60), logger: logger)
            try await TinyModels.running(missing) {
                #expect(await TinyModels.settled(missing))
                let ingestor = NewsIngestor(sources: [source], store: store, hub: NotificationHub(), scorer: unavailable,
                                            interval: .seconds(600), logger: logger)
                #expect(await ingestor.pollAll() == 4)
                #expect(await unavailable.scorePending() == 0)
                #expect(store.items.allSatisfy { $0.sentiment == nil })
            }
            let runner = SentimentModelRunner(kind: .financial, directory: TinyModels.bert, threads: 1, logger: logger)
            let scorer = NewsScorer(model: runner, store: store, hub: NotificationHub(), interval: .seconds(60), batchSize: 3, logger: logger)
            try await TinyModels.running(runner) {
                #expect(await TinyModels.settled(runner))
                #expect(await scorer.scorePending() == 4)  // two batches: 3 + 1
                let direct = try await runner.analyze(store.items.map { NewsScorer.text(for: $0) })
                for (item, expected) in zip(store.items, direct.results) {
                    #expect(item.sentiment?.model == "tiny-bert")
                    #expect(item.sentiment?.label == expected.label)
                    #expect(item.sentiment?.probabilities.keys.sorted() == ["negative", "neutral", "positive"])
                }
                #expect(await scorer.scorePending() == 0)
            }
        }
    }
}
