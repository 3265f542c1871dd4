import Contracts
import CryptoModels
import Foundation

/// Durable history of everything the collectors gather and the gateway serves.
///
/// Every batched write runs in one transaction and returns how many rows it changed. Writes of data with a
/// natural key (a quote's symbol/vs/ts/source, a candle's symbol/interval/open time, a news URL or guid, a day of
/// Fear & Greed) are idempotent. Times are epoch milliseconds; ranges are inclusive at both ends.
/// `SQLiteHistoryStore` implements it; a PostgreSQL backend can implement the same protocol.
public protocol HistoryStore: Sendable {
    // MARK: Writes

    /// Stores price observations from `source`; a quote already stored (same symbol, vs, ts, source) is skipped.
    /// Returns the number of rows inserted.
    func insertPrices(_ quotes: [Quote], source: String) async throws -> Int

    /// Inserts or updates candles of one market and interval. A stored candle is replaced by a newer version,
    /// except that an open candle never overwrites a closed one. Returns the number of rows inserted or changed.
    func upsertCandles(symbol: String, interval: Interval, candles: [Candle], source: String) async throws -> Int

    /// Stores one market listing; a second snapshot with the same ts, source and vs is skipped. Returns 1 or 0.
    func insertMarketSnapshot(_ snapshot: MarketSnapshot) async throws -> Int

    /// Stores one snapshot per protocol taken at `ts`; an existing (slug, ts) row is skipped. Returns rows inserted.
    func insertDefiSnapshots(_ protocols: [DefiProtocol], ts: EpochMillis) async throws -> Int

    /// Inserts news items; an item whose normalised URL or guid is already stored refreshes that row instead
    /// (title, summary, assets added). Returns the ids that were new.
    func upsertNews(_ items: [NewsItem]) async throws -> NewsUpsertResult

    /// Records the sentiment of a stored item. Returns false when no item has that id.
    func setNewsSentiment(id: String, sentiment: SentimentScore) async throws -> Bool

    /// Items without sentiment, newest first.
    func newsNeedingSentiment(limit: Int) async throws -> [NewsItem]

    /// Inserts or updates daily Fear & Greed values (one per UTC day). Returns rows inserted or changed.
    func upsertFearGreed(_ entries: [FearGreedEntry]) async throws -> Int

    /// Records provider calls and updates each provider's aggregate status. Returns the calls recorded.
    func recordAPICalls(_ calls: [APICallRecord]) async throws -> Int

    /// Records gateway requests. Returns the rows recorded.
    func recordUserRequests(_ requests: [UserRequestRecord]) async throws -> Int

    // MARK: API keys

    /// Stores a new key; throws `StoreError.duplicate` when its id or prefix exists.
    func createAPIKey(_ key: APIKeyRecord) async throws
    /// All keys, oldest first; revoked ones only when asked.
    func listAPIKeys(includeRevoked: Bool) async throws -> [APIKeyRecord]
    /// The key with this prefix, revoked or not.
    func findAPIKey(prefix: String) async throws -> APIKeyRecord?
    /// Marks a key revoked at `at`. Returns false when no active key has that id.
    func revokeAPIKey(id: String, at: EpochMillis) async throws -> Bool
    /// Sets a key's `last_used_at` (never moving it back). Returns false when no key has that id.
    func touchAPIKey(id: String, at: EpochMillis) async throws -> Bool

    // MARK: Queries

    /// Prices of `symbol` in `vs` between `from` and `to`, ascending, downsampled to at most `maxPoints` by
    /// cutting the range into equal time buckets and keeping the last observation of each.
    func priceHistory(symbol: String, vs: String, from: EpochMillis, to: EpochMillis, maxPoints: Int) async throws -> [PricePoint]
    /// Candles with `from ≤ open_time ≤ to`, ascending; with a `limit`, the newest `limit` of them.
    func candles(symbol: String, interval: Interval, from: EpochMillis, to: EpochMillis, limit: Int?) async throws -> [Candle]
    /// The latest stored snapshot of every protocol taken at or before `at`, by slug.
    func defiProtocols(at: EpochMillis) async throws -> [DefiProtocol]
    /// TVL snapshots of one protocol, ascending.
    func defiHistory(slug: String, from: EpochMillis, to: EpochMillis) async throws -> [TvlPoint]
    /// Total TVL per UTC day (ts = 00:00 UTC), summing each protocol's last snapshot of that day; with `chain`,
    /// that chain's TVL only.
    func tvlByDay(from: EpochMillis, to: EpochMillis, chain: String?) async throws -> [TvlPoint]
    /// One page of news, newest first.
    func newsPage(_ query: NewsQuery) async throws -> NewsPage
    /// Fear & Greed values, ascending by day.
    func fearGreed(from: EpochMillis, to: EpochMillis) async throws -> [FearGreedEntry]
    /// The newest market snapshots, newest first.
    func latestMarketSnapshots(limit: Int) async throws -> [MarketSnapshot]
    /// The rows of `symbol` (case-insensitive) in the newest market snapshots that list it, newest first.
    func marketHistory(symbol: String, limit: Int) async throws -> [MarketHistoryPoint]
    /// Every symbol ever stored with a price, candle or market listing (sorted), to tell "unknown symbol" from "no data".
    func knownSymbols() async throws -> [String]
    /// Every DeFi protocol slug ever stored (sorted).
    func knownProtocols() async throws -> [String]
    /// Aggregated status of every provider, by name.
    func providerStatuses() async throws -> [ProviderStatus]
    /// Requests recorded for a key (or anonymous when `nil`) since `since`.
    func userRequestCount(keyID: String?, since: EpochMillis) async throws -> Int

    // MARK: Maintenance

    /// File size, page figures, rows and time range per table.
    func stats() async throws -> StoreStats
    /// The lines of `PRAGMA quick_check` (`["ok"]` when healthy): the cheaper check run at start.
    func quickCheck() async throws -> [String]
    /// Runs a trivial read, to tell that the database answers.
    func ping() async throws
    /// The lines of `PRAGMA integrity_check` (`["ok"]` when healthy).
    func integrityCheck() async throws -> [String]
    /// Deletes the rows of each listed table strictly older than its cutoff. Returns rows deleted per table.
    func deleteOlderThan(_ cutoffs: [HistoryTable: EpochMillis]) async throws -> [HistoryTable: Int]
    /// Runs `PRAGMA optimize` and `PRAGMA incremental_vacuum`.
    func optimize() async throws -> OptimizeResult
    /// Takes an online backup into `directory` with a timestamped name, then keeps only the `keep` newest.
    func backup(to directory: String, keep: Int) async throws -> BackupInfo
    /// Closes the store; later calls fail.
    func close() async throws
}
