import Contracts
import CryptoModels
import RPC

/// What news-sentiment-svc needs from store-svc; a protocol so tests can use an in-memory store.
public protocol NewsStore: Sendable {
    /// `store.news.upsert`: stores items, deduplicated by normalised URL, guid or id; answers the ids that were new.
    func upsert(_ items: [NewsItem]) async throws -> NewsUpsertResult
    /// `store.news.pending_sentiment`: items without sentiment, newest first.
    func pendingSentiment(limit: Int) async throws -> [NewsItem]
    /// `store.news.sentiment.set`: records an item's sentiment; false when the item is unknown.
    func setSentiment(id: String, _ score: SentimentScore) async throws -> Bool
    /// `store.news.page`: one page of news, newest first.
    func page(_ params: Store.NewsPageQuery.Params) async throws -> NewsPage
    /// `store.fear_greed.upsert`: daily Fear & Greed values.
    func upsertFearGreed(_ entries: [FearGreedEntry]) async throws
    /// `store.fear_greed.history`: values in a window, ascending.
    func fearGreed(from: EpochMillis, to: EpochMillis) async throws -> [FearGreedEntry]
}

/// The production store: RPC calls to store-svc.
public struct RPCNewsStore: NewsStore {
    /// store-svc's client.
    public let client: RPCClient
    /// Deadline of one call.
    public var timeout: Duration = .seconds(10)

    /// Creates the store over a client.
    public init(client: RPCClient) { self.client = client }

    public func upsert(_ items: [NewsItem]) async throws -> NewsUpsertResult {
        try await client.call(Store.UpsertNews.self, .init(items: items), timeout: timeout)
    }

    public func pendingSentiment(limit: Int) async throws -> [NewsItem] {
        try await client.call(Store.NewsNeedingSentiment.self, .init(limit: limit), timeout: timeout).items
    }

    public func setSentiment(id: String, _ score: SentimentScore) async throws -> Bool {
        try await client.call(Store.SetNewsSentiment.self, .init(id: id, sentiment: score), timeout: timeout).updated
    }

    public func page(_ params: Store.NewsPageQuery.Params) async throws -> NewsPage {
        try await client.call(Store.NewsPageQuery.self, params, timeout: timeout)
    }

    public func upsertFearGreed(_ entries: [FearGreedEntry]) async throws {
        _ = try await client.call(Store.UpsertFearGreed.self, .init(entries: entries), timeout: timeout)
    }

    public func fearGreed(from: EpochMillis, to: EpochMillis) async throws -> [FearGreedEntry] {
        try await client.call(Store.FearGreedHistory.self, .init(from: from, to: to), timeout: timeout).entries
    }
}
