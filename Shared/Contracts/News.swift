import CryptoModels
import RPC

/// news-sentiment-svc's news methods (feeds, model sentiment of stored news, Fear & Greed). The items themselves are
/// read from store-svc (`store.news.page`, `store.fear_greed.history`); see docs/news.md.
public enum News {
    /// The windows `news.sentiment.summary` aggregates over, newest first: 1 h, 24 h, 7 d.
    public static let windows: [(name: String, milliseconds: Int64)] = [
        ("1h", 3_600_000), ("24h", 86_400_000), ("7d", 7 * 86_400_000),
    ]

    /// The sentiment labels stored news can carry (the financial model's classes).
    public static let labels = ["positive", "negative", "neutral"]

    /// `news.sentiment.summary`: model sentiment of stored news aggregated over the last 1 h, 24 h and 7 d (by
    /// publication time), overall and per asset, plus the latest stored Fear & Greed value.
    public enum SentimentSummary: RPCMethod {
        public static let name = "news.sentiment.summary"
        /// Options.
        public struct Params: Codable, Sendable, Hashable {
            /// Most assets listed per window, by item count (1…100; 20 when absent).
            public var maxAssets: Int?
            /// Creates the parameters.
            public init(maxAssets: Int? = nil) { self.maxAssets = maxAssets }
            enum CodingKeys: String, CodingKey { case maxAssets = "max_assets" }
        }
        public typealias Result = NewsSentimentSummary
    }
}

/// Label counts and the mean signed score of a set of scored news items.
///
/// The signed score of one item is P(positive) + P(bullish) − P(negative) − P(bearish), in −1…1; `mean` is its
/// average over the scored items (`nil` when none are scored: no value is made up).
public struct SentimentTally: Sendable, Hashable, Codable {
    /// Items scored by the model.
    public var count: Int
    /// Mean signed score (−1…1), `nil` without scored items.
    public var mean: Double?
    /// Items per winning label.
    public var labels: [String: Int]

    /// Creates a tally.
    public init(count: Int, mean: Double?, labels: [String: Int]) {
        self.count = count
        self.mean = mean
        self.labels = labels
    }
}

/// One asset's sentiment within a window.
public struct AssetSentiment: Sendable, Hashable, Codable {
    /// Canonical symbol (`BTC`).
    public var symbol: String
    /// Its scored items.
    public var sentiment: SentimentTally

    /// Creates the value.
    public init(symbol: String, sentiment: SentimentTally) {
        self.symbol = symbol
        self.sentiment = sentiment
    }
}

/// News sentiment over one window.
public struct SentimentWindow: Sendable, Hashable, Codable {
    /// `1h`, `24h` or `7d`.
    public var window: String
    /// Window start (epoch ms, inclusive).
    public var from: EpochMillis
    /// Window end (epoch ms).
    public var to: EpochMillis
    /// All items of the window.
    public var overall: SentimentTally
    /// Items of the window not scored yet (model loading or unavailable).
    public var unscored: Int
    /// Per asset, most items first.
    public var assets: [AssetSentiment]

    /// Creates the value.
    public init(window: String, from: EpochMillis, to: EpochMillis, overall: SentimentTally, unscored: Int, assets: [AssetSentiment]) {
        self.window = window
        self.from = from
        self.to = to
        self.overall = overall
        self.unscored = unscored
        self.assets = assets
    }
}

/// The answer of `news.sentiment.summary`.
public struct NewsSentimentSummary: Sendable, Hashable, Codable {
    /// The 1 h, 24 h and 7 d windows, in that order.
    public var windows: [SentimentWindow]
    /// The latest stored Fear & Greed value, if any.
    public var fearGreed: FearGreedEntry?
    /// When the summary was computed (epoch ms).
    public var computedAt: EpochMillis
    /// True when the 7 d window held more items than were read (the figures then cover the newest ones).
    public var truncated: Bool
    /// True when the answer came from the service's short-lived summary cache.
    public var cached: Bool

    /// Creates the value.
    public init(windows: [SentimentWindow], fearGreed: FearGreedEntry?, computedAt: EpochMillis, truncated: Bool, cached: Bool = false) {
        self.windows = windows
        self.fearGreed = fearGreed
        self.computedAt = computedAt
        self.truncated = truncated
        self.cached = cached
    }

    enum CodingKeys: String, CodingKey {
        case windows, fearGreed = "fear_greed", computedAt = "computed_at", truncated, cached
    }
}
