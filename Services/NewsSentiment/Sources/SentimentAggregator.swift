import Contracts
import CryptoModels
import RPC
import Synchronization

/// Aggregates the model sentiment of stored news over the 1 h / 24 h / 7 d windows (`news.sentiment.summary`).
///
/// It reads the store's news pages newest first until it passes the oldest window start (at most `maxPages` pages of
/// 500), so the cost follows the number of recent items. A window's mean is over scored items only; unscored items
/// are counted apart, never guessed.
public struct SentimentAggregator: Sendable {
    /// The store.
    public let store: any NewsStore
    /// Most pages of 500 items read for one summary (the answer says `truncated` when more were needed).
    public var maxPages: Int

    /// Creates the aggregator.
    public init(store: any NewsStore, maxPages: Int = 20) {
        self.store = store
        self.maxPages = maxPages
    }

    /// The signed score of a sentiment: P(positive) + P(bullish) − P(negative) − P(bearish); from the label and its
    /// probability when the probabilities are missing.
    public static func signed(_ score: SentimentScore) -> Double {
        let p = score.probabilities
        if !p.isEmpty {
            return (p["positive"] ?? 0) + (p["bullish"] ?? 0) - (p["negative"] ?? 0) - (p["bearish"] ?? 0)
        }
        switch score.label {
        case "positive", "bullish": return score.score
        case "negative", "bearish": return -score.score
        default: return 0
        }
    }

    /// The tally of scored items among `items`.
    public static func tally(_ items: [NewsItem]) -> SentimentTally {
        var labels: [String: Int] = [:]
        var sum = 0.0
        var count = 0
        for item in items {
            guard let sentiment = item.sentiment else { continue }
            labels[sentiment.label, default: 0] += 1
            sum += signed(sentiment)
            count += 1
        }
        let mean = count == 0 ? nil : ((sum / Double(count)) * 10_000).rounded() / 10_000
        return SentimentTally(count: count, mean: mean, labels: labels)
    }

    /// Items published at or after `since`, newest first, and whether reading stopped at `maxPages`.
    func items(since: EpochMillis) async throws -> (items: [NewsItem], truncated: Bool) {
        var collected: [NewsItem] = []
        var page = 1
        while true {
            let result = try await store.page(.init(page: page, pageSize: 500))
            collected.append(contentsOf: result.items.filter { $0.publishedAt >= since })
            guard let last = result.items.last, last.publishedAt >= since, page * 500 < result.total else {
                return (collected, false)
            }
            if page >= maxPages { return (collected, true) }
            page += 1
        }
    }

    /// The tally of items published since `since` (for `sentiment.update`).
    public func recentTally(since: EpochMillis) async throws -> SentimentTally {
        Self.tally(try await items(since: since).items)
    }

    /// The summary at `now`: the three windows, overall and per asset (most items first, at most `maxAssets`), and
    /// the latest stored Fear & Greed value (the last 30 days first, then the last 10 years).
    public func summary(now: EpochMillis, maxAssets: Int = 20) async throws -> NewsSentimentSummary {
        let longest = News.windows.map(\.milliseconds).max() ?? 0
        let (items, truncated) = try await items(since: now - longest)
        let windows = News.windows.map { window -> SentimentWindow in
            let from = now - window.milliseconds
            let inWindow = items.filter { $0.publishedAt >= from }
            var byAsset: [String: [NewsItem]] = [:]
            for item in inWindow {
                for symbol in Set(item.assets) { byAsset[symbol, default: []].append(item) }
            }
            let assets = byAsset.map { AssetSentiment(symbol: $0.key, sentiment: Self.tally($0.value)) }
                .filter { $0.sentiment.count > 0 }
                .sorted { ($0.sentiment.count, $1.symbol) > ($1.sentiment.count, $0.symbol) }
                .prefix(max(0, maxAssets))
            return SentimentWindow(window: window.name, from: from, to: now, overall: Self.tally(inWindow),
                                   unscored: inWindow.filter { $0.sentiment == nil }.count, assets: Array(assets))
        }
        var latest = try await store.fearGreed(from: now - 30 * 86_400_000, to: now).last
        if latest == nil { latest = try await store.fearGreed(from: now - 3_650 * 86_400_000, to: now).last }
        return NewsSentimentSummary(windows: windows, fearGreed: latest, computedAt: now, truncated: truncated)
    }
}

/// `news.sentiment.summary`'s handler: the aggregator's answer, cached for `ttl` so bursts of requests read the store
/// once.
public final class SentimentSummaryHandler: Sendable {
    private let aggregator: SentimentAggregator
    private let ttl: Duration
    private let cache = Mutex<[Int: (ContinuousClock.Instant, NewsSentimentSummary)]>([:])

    /// Creates the handler.
    public init(aggregator: SentimentAggregator, ttl: Duration = .seconds(5)) {
        self.aggregator = aggregator
        self.ttl = ttl
    }

    /// Answers one call; `max_assets` outside 1…100 is `invalid-parameter`.
    public func summary(_ params: News.SentimentSummary.Params) async throws -> NewsSentimentSummary {
        let maxAssets = params.maxAssets ?? 20
        guard (1...100).contains(maxAssets) else {
            throw RPCError.problem("invalid-parameter", status: 400, title: "Invalid parameter",
                                   detail: "max_assets must be 1…100, got \(maxAssets)", extensions: ["parameter": "max_assets"])
        }
        let now = ContinuousClock.now
        if let (at, cached) = cache.withLock({ $0[maxAssets] }), now - at < ttl {
            var answer = cached
            answer.cached = true
            return answer
        }
        let fresh = try await aggregator.summary(now: Timestamps.nowMillis(), maxAssets: maxAssets)
        cache.withLock { $0[maxAssets] = (now, fresh) }
        return fresh
    }
}
