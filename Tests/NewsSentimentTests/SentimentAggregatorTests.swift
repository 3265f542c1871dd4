import Contracts
import CryptoModels
import NewsSentiment
import RPC
import Testing

/// `news.sentiment.summary`'s arithmetic on hand-made scored items with known probabilities.
@Suite("Sentiment aggregation")
struct SentimentAggregatorTests {
    static let now: EpochMillis = 1_795_300_000_000

    static func item(_ id: String, ago minutes: Int64, assets: [String], _ p: (pos: Double, neg: Double, neu: Double)?) -> NewsItem {
        var item = NewsItem(id: id, guid: nil, url: "https://example.org/\(id)", title: id, summary: nil, source: "Test",
                            publishedAt: now - minutes * 60_000, assets: assets)
        if let p {
            let probabilities = ["positive": p.pos, "negative": p.neg, "neutral": p.neu]
            let label = probabilities.max { $0.value < $1.value }!.key
            item.sentiment = SentimentScore(label: label, score: probabilities[label]!, probabilities: probabilities,
                                            model: "m", modelVersion: "1")
        }
        return item
    }

    @Test("windows by publication time, means of P(positive) − P(negative) over scored items, unscored counted apart")
    func windows() async throws {
        let store = MemoryNewsStore()
        _ = try await store.upsert([
            Self.item("a", ago: 10, assets: ["BTC"], (0.8, 0.1, 0.1)),          // +0.7
            Self.item("b", ago: 120, assets: ["BTC", "ETH"], (0.2, 0.6, 0.2)),   // −0.4
            Self.item("c", ago: 3 * 1_440, assets: ["ETH"], (0.3, 0.3, 0.4)),    //  0
            Self.item("d", ago: 30, assets: ["SOL"], nil),                       // unscored
            Self.item("e", ago: 8 * 1_440, assets: ["BTC"], (0.9, 0.05, 0.05)),  // outside 7 d
        ])
        for id in ["a", "b", "c", "e"] {
            let scored = Self.item(id, ago: 0, assets: [], id == "a" ? (0.8, 0.1, 0.1) : id == "b" ? (0.2, 0.6, 0.2)
                                   : id == "c" ? (0.3, 0.3, 0.4) : (0.9, 0.05, 0.05))
            #expect(try await store.setSentiment(id: id, scored.sentiment!))
        }
        try await store.upsertFearGreed([FearGreedEntry(value: 69, classification: "Greed", ts: 1_788_825_600_000),
                                         FearGreedEntry(value: 71, classification: "Greed", ts: 1_788_739_200_000)])
        let summary = try await SentimentAggregator(store: store).summary(now: Self.now)
        #expect(summary.windows.map(\.window) == ["1h", "24h", "7d"])
        let (hour, day, week) = (summary.windows[0], summary.windows[1], summary.windows[2])
        #expect(hour.overall == SentimentTally(count: 1, mean: 0.7, labels: ["positive": 1]))
        #expect(hour.unscored == 1)
        #expect(hour.assets == [AssetSentiment(symbol: "BTC", sentiment: .init(count: 1, mean: 0.7, labels: ["positive": 1]))])
        #expect(day.overall == SentimentTally(count: 2, mean: 0.15, labels: ["positive": 1, "negative": 1]))
        #expect(day.assets.map(\.symbol) == ["BTC", "ETH"])
        #expect(day.assets[1].sentiment == SentimentTally(count: 1, mean: -0.4, labels: ["negative": 1]))
        #expect(week.overall.count == 3)
        #expect(week.overall.mean == 0.1)
        #expect(week.assets.map(\.symbol) == ["BTC", "ETH"])
        #expect(week.assets[1].sentiment.mean == -0.2)
        #expect(week.from == Self.now - 7 * 86_400_000)
        #expect(summary.fearGreed == FearGreedEntry(value: 69, classification: "Greed", ts: 1_788_825_600_000))
        #expect(summary.truncated == false)
    }

    @Test("no scored items: counts are zero and the mean is absent, not zero")
    func empty() async throws {
        let summary = try await SentimentAggregator(store: MemoryNewsStore()).summary(now: Self.now)
        #expect(summary.windows.allSatisfy { $0.overall == SentimentTally(count: 0, mean: nil, labels: [:]) && $0.assets.isEmpty })
        #expect(summary.fearGreed == nil)
    }

    @Test("news.sentiment.summary: cached for a few seconds (and says so); max_assets outside 1…100 is invalid-parameter")
    func handler() async throws {
        let handler = SentimentSummaryHandler(aggregator: SentimentAggregator(store: MemoryNewsStore()), ttl: .seconds(30))
        let first = try await handler.summary(.init(maxAssets: 3))
        let second = try await handler.summary(.init(maxAssets: 3))
        #expect(first.cached == false)
        #expect(second.cached == true)
        #expect(second.computedAt == first.computedAt)
        do {
            _ = try await handler.summary(.init(maxAssets: 0))
            Issue.record("expected invalid-parameter")
        } catch let error as RPCError {
            #expect(error.data?.type == "invalid-parameter")
            #expect(error.data?.status == 400)
        }
    }

    @Test("NEWS_FEEDS: named entries, bare URLs named after the site, invalid entries skipped")
    func feedSettings() {
        let specs = NewsSettings.parseFeeds(" CoinDesk=http://127.0.0.1:9/rss/coindesk.xml , https://cointelegraph.com/rss,"
            + "ftp://nope, https://www.theblock.co/rss.xml?x=1, http://127.0.0.1:9/feeds/hang.xml,https://example.org/feed")
        #expect(specs == [FeedSpec(name: "CoinDesk", url: "http://127.0.0.1:9/rss/coindesk.xml"),
                          FeedSpec(name: "Cointelegraph", url: "https://cointelegraph.com/rss"),
                          FeedSpec(name: "The Block", url: "https://www.theblock.co/rss.xml?x=1"),
                          FeedSpec(name: "hang", url: "http://127.0.0.1:9/feeds/hang.xml"),
                          FeedSpec(name: "example.org", url: "https://example.org/feed")])
        #expect(NewsSettings.parseFeeds(NewsSettings.defaultFeeds).map(\.name)
                == ["CoinDesk", "Cointelegraph", "Decrypt", "Bitcoin Magazine", "The Block"])
    }
}
