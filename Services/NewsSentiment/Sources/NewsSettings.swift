import Foundation
import ServiceKit

/// One configured feed: a display name (the `source` of its items) and its URL.
public struct FeedSpec: Sendable, Hashable {
    /// Source name (`CoinDesk`); also the health component `feed:<name>`.
    public var name: String
    /// Feed URL.
    public var url: String

    /// Creates a spec.
    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }
}

/// news-sentiment-svc's news configuration (environment variables in brackets).
public struct NewsSettings: Sendable {
    /// The default feeds: CoinDesk, Cointelegraph, Decrypt, Bitcoin Magazine, The Block.
    public static let defaultFeeds = [
        "CoinDesk=https://www.coindesk.com/arc/outboundfeeds/rss/",
        "Cointelegraph=https://cointelegraph.com/rss",
        "Decrypt=https://decrypt.co/feed",
        "Bitcoin Magazine=https://bitcoinmagazine.com/.rss/full/",
        "The Block=https://www.theblock.co/rss.xml",
    ].joined(separator: ",")

    /// Feeds [`NEWS_FEEDS`: comma-separated URLs, each optionally `Name=URL`].
    public var feeds: [FeedSpec]
    /// Time between polls of every feed [`NEWS_POLL_INTERVAL`, 600 s].
    public var pollInterval: Duration
    /// Time one feed request may take [`NEWS_FEED_TIMEOUT`, 15 s]; a hanging feed fails after it.
    public var feedTimeout: Duration
    /// Largest feed body read [`NEWS_FEED_MAX_BYTES`, 5 MiB]; reading stops beyond it.
    public var feedMaxBytes: Int
    /// Whether a failing feed makes the service `degraded` [`NEWS_FEED_HEALTH_STRICT`, false: it is reported `healthy`
    /// with `observed.state = failing` and the reason, as market-svc reports an open provider breaker].
    public var feedHealthStrict: Bool
    /// Whether the collectors run at all [`NEWS_COLLECTOR_ENABLED`, true].
    public var collectorEnabled: Bool
    /// CryptoPanic API key [`CRYPTOPANIC_API_KEY`]; never logged. Without it CryptoPanic is not polled.
    public var cryptoPanicKey: String?
    /// CryptoPanic API base [`CRYPTOPANIC_BASE_URL`, `https://cryptopanic.com/api/developer/v2`].
    public var cryptoPanicBaseURL: String
    /// alternative.me base [`ALTERNATIVE_ME_BASE_URL`, `https://api.alternative.me`].
    public var alternativeMeBaseURL: String
    /// Time between Fear & Greed polls [`FEAR_GREED_POLL_INTERVAL`, 3600 s].
    public var fearGreedInterval: Duration
    /// Days fetched on the first Fear & Greed poll [`FEAR_GREED_BACKFILL_DAYS`, 30]; later polls fetch 2.
    public var fearGreedBackfillDays: Int
    /// How often the scorer looks for unscored items besides being woken by new ones [`NEWS_SCORE_INTERVAL`, 30 s].
    public var scoreInterval: Duration

    /// Reads the settings.
    public init(settings: Settings) {
        feeds = Self.parseFeeds(settings.string("news.feeds", default: Self.defaultFeeds))
        pollInterval = max(.seconds(1), settings.seconds("news.poll.interval", default: 600))
        feedTimeout = settings.seconds("news.feed.timeout", default: 15)
        feedMaxBytes = max(1_024, settings.int("news.feed.max.bytes", default: 5 << 20))
        feedHealthStrict = settings.string("news.feed.health.strict", default: "false") == "true"
        collectorEnabled = settings.string("news.collector.enabled", default: "true") != "false"
        cryptoPanicKey = settings.secret("cryptopanic.api.key")
        cryptoPanicBaseURL = settings.string("cryptopanic.base.url", default: "https://cryptopanic.com/api/developer/v2")
        alternativeMeBaseURL = settings.string("alternative.me.base.url", default: "https://api.alternative.me")
        fearGreedInterval = max(.seconds(1), settings.seconds("fear.greed.poll.interval", default: 3_600))
        fearGreedBackfillDays = min(max(2, settings.int("fear.greed.backfill.days", default: 30)), 3_650)
        scoreInterval = max(.milliseconds(200), settings.seconds("news.score.interval", default: 30))
    }

    /// Parses `NEWS_FEEDS`: entries separated by commas; `Name=URL` names a feed, a bare URL is named after its host
    /// (the known news sites by their brand, others by host name). Duplicate names get a numeric suffix.
    public static func parseFeeds(_ text: String) -> [FeedSpec] {
        var specs: [FeedSpec] = []
        for raw in text.split(separator: ",") {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty else { continue }
            var name: String?
            var url = entry
            if let equals = entry.firstIndex(of: "="), !entry[..<equals].contains("://") {
                name = entry[..<equals].trimmingCharacters(in: .whitespaces)
                url = entry[entry.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            }
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else { continue }
            var chosen = (name?.isEmpty == false ? name : nil) ?? Self.name(forHost: host, path: components.path)
            var suffix = 2
            while specs.contains(where: { $0.name == chosen }) {
                chosen = "\(chosen) \(suffix)"
                suffix += 1
            }
            specs.append(FeedSpec(name: chosen, url: url))
        }
        return specs
    }

    /// The brand of a known news host, else the host without `www.` (local replay feeds: the file name).
    static func name(forHost host: String, path: String) -> String {
        let known = ["coindesk.com": "CoinDesk", "cointelegraph.com": "Cointelegraph", "decrypt.co": "Decrypt",
                     "bitcoinmagazine.com": "Bitcoin Magazine", "theblock.co": "The Block"]
        let lower = host.lowercased()
        for (domain, brand) in known where lower == domain || lower.hasSuffix("." + domain) { return brand }
        if lower == "127.0.0.1" || lower == "localhost" || lower == "::1" {
            let file = (path as NSString).lastPathComponent
            let stem = (file as NSString).deletingPathExtension
            if !stem.isEmpty { return stem }
        }
        return lower.hasPrefix("www.") ? String(lower.dropFirst(4)) : lower
    }
}
