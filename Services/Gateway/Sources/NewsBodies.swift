import Contracts
import CryptoModels
import Foundation

/// The envelope of `/api/news`.
struct NewsEnvelope: Encodable, Sendable {
    /// The items of the page, newest first.
    var data: [NewsItemBody]
    /// Provenance plus paging.
    var meta: NewsMeta
}

/// `meta` of `/api/news`: the §5 fields plus the page, page size, total matching items and page count.
struct NewsMeta: Encodable, Sendable {
    var source: String
    var asOf: EpochMillis
    var fetchedAt: EpochMillis
    var ageS: Double
    var stale: Bool
    var cached: Bool
    var page: Int
    var pageSize: Int
    var total: Int
    var pages: Int

    enum CodingKeys: String, CodingKey {
        case source, asOf = "as_of", fetchedAt = "fetched_at", ageS = "age_s", stale, cached, page, pageSize = "page_size",
             total, pages
    }
}

/// One news item as the API shows it: the stored item with `ts` (publication, epoch ms) and `time` (ISO-8601);
/// `sentiment` is `null` until the model has scored it.
struct NewsItemBody: Encodable, Sendable {
    var id: String
    var title: String
    var summary: String?
    var url: String
    var source: String
    var ts: EpochMillis
    var time: String
    var assets: [String]
    var sentiment: SentimentScore?

    init(_ item: NewsItem) {
        id = item.id
        title = item.title
        summary = item.summary
        url = item.url
        source = item.source
        ts = item.publishedAt
        time = Timestamps.iso8601(item.publishedAt)
        assets = item.assets
        sentiment = item.sentiment
    }

    enum CodingKeys: String, CodingKey { case id, title, summary, url, source, ts, time, assets, sentiment }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(summary, forKey: .summary)
        try container.encode(url, forKey: .url)
        try container.encode(source, forKey: .source)
        try container.encode(ts, forKey: .ts)
        try container.encode(time, forKey: .time)
        try container.encode(assets, forKey: .assets)
        try container.encode(sentiment, forKey: .sentiment)  // explicit null while unscored
    }
}

/// One Fear & Greed value: `value` 0–100, alternative.me's `classification`, the day (`ts`, `time`), and for the
/// latest value whether it is `stale` (older than two days).
struct FearGreedBody: Encodable, Sendable {
    var value: Int
    var classification: String
    var ts: EpochMillis
    var time: String
    var stale: Bool?

    init(_ entry: FearGreedEntry, stale: Bool?) {
        value = entry.value
        classification = entry.classification
        ts = entry.ts
        time = Timestamps.iso8601(entry.ts)
        self.stale = stale
    }
}

/// `data` of `/api/sentiment/fear-greed`.
struct FearGreedHistoryBody: Encodable, Sendable {
    var days: Int
    var latest: FearGreedBody?
    var entries: [FearGreedBody]
}

/// `data` of `/api/sentiment`.
struct SentimentSummaryBody: Encodable, Sendable {
    /// The 1 h, 24 h and 7 d windows.
    var windows: [SentimentWindow]
    /// The latest stored Fear & Greed value, `null` when none is stored.
    var fearGreed: FearGreedBody?
    /// True when the 7 d window held more items than were read.
    var truncated: Bool

    enum CodingKeys: String, CodingKey { case windows, fearGreed = "fear_greed", truncated }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(windows, forKey: .windows)
        try container.encode(fearGreed, forKey: .fearGreed)
        try container.encode(truncated, forKey: .truncated)
    }
}
