import Contracts
import CryptoModels
import Foundation
import RPC

/// Contracts' `Store` namespace (the module of this file is also named `Store`).
typealias StoreAPI = Contracts.Store

/// store-svc's RPC handlers: thin adapters from the `Store.*` contract to a `HistoryStore`, with argument checks,
/// `unknown-asset`/`unknown-protocol` problems and metrics. Errors of the store map themselves (`StoreError`).
public struct StoreHandlers: Sendable {
    /// The store.
    public let store: any HistoryStore
    /// Housekeeping run on demand.
    public let housekeeping: StoreHousekeeping

    /// Most points of a price history.
    public static let maxPricePoints = 10_000
    /// Most candles of one range read.
    public static let maxCandles = 100_000

    /// Creates the handlers.
    public init(store: any HistoryStore, housekeeping: StoreHousekeeping) {
        self.store = store
        self.housekeeping = housekeeping
    }

    /// Registers every `store.*` method.
    public func register(into router: inout RPCRouter) {
        registerWrites(into: &router)
        registerKeys(into: &router)
        registerQueries(into: &router)
        registerAdmin(into: &router)
    }

    /// Registers the write methods (each counted in `store_write_batches_total` / `store_write_rows_total`).
    func registerWrites(into router: inout RPCRouter) {
        let store = self.store
        router.register(StoreAPI.InsertPrices.self) { params, _ in
            let changed = try await store.insertPrices(params.quotes, source: params.source)
            StoreMetrics.write(StoreAPI.InsertPrices.name, rows: params.quotes.count)
            return .init(changed: changed)
        }
        router.register(StoreAPI.UpsertCandles.self) { params, _ in
            let changed = try await store.upsertCandles(symbol: params.symbol, interval: params.interval,
                                                        candles: params.candles, source: params.source)
            StoreMetrics.write(StoreAPI.UpsertCandles.name, rows: params.candles.count)
            return .init(changed: changed)
        }
        router.register(StoreAPI.InsertMarketSnapshot.self) { params, _ in
            let changed = try await store.insertMarketSnapshot(
                MarketSnapshot(ts: params.ts, source: params.source, vs: params.vs, entries: params.entries))
            StoreMetrics.write(StoreAPI.InsertMarketSnapshot.name, rows: params.entries.count)
            return .init(changed: changed)
        }
        router.register(StoreAPI.InsertDefiSnapshots.self) { params, _ in
            let changed = try await store.insertDefiSnapshots(params.protocols, ts: params.ts)
            StoreMetrics.write(StoreAPI.InsertDefiSnapshots.name, rows: params.protocols.count)
            return .init(changed: changed)
        }
        router.register(StoreAPI.UpsertNews.self) { params, _ in
            let result = try await store.upsertNews(params.items)
            StoreMetrics.write(StoreAPI.UpsertNews.name, rows: params.items.count)
            return result
        }
        router.register(StoreAPI.SetNewsSentiment.self) { params, _ in
            let updated = try await store.setNewsSentiment(id: params.id, sentiment: params.sentiment)
            StoreMetrics.write(StoreAPI.SetNewsSentiment.name, rows: 1)
            return .init(updated: updated)
        }
        router.register(StoreAPI.NewsNeedingSentiment.self) { params, _ in
            try StoreProblems.require(params.limit, in: 1...500, "limit")
            return .init(items: try await store.newsNeedingSentiment(limit: params.limit))
        }
        router.register(StoreAPI.UpsertFearGreed.self) { params, _ in
            let changed = try await store.upsertFearGreed(params.entries)
            StoreMetrics.write(StoreAPI.UpsertFearGreed.name, rows: params.entries.count)
            return .init(changed: changed)
        }
        router.register(StoreAPI.RecordAPICalls.self) { params, _ in
            let changed = try await store.recordAPICalls(params.calls)
            StoreMetrics.write(StoreAPI.RecordAPICalls.name, rows: params.calls.count)
            return .init(changed: changed)
        }
        router.register(StoreAPI.RecordUserRequests.self) { params, _ in
            let changed = try await store.recordUserRequests(params.requests)
            StoreMetrics.write(StoreAPI.RecordUserRequests.name, rows: params.requests.count)
            return .init(changed: changed)
        }
    }

    /// Registers the API key methods.
    func registerKeys(into router: inout RPCRouter) {
        let store = self.store
        router.register(StoreAPI.CreateKey.self) { params, _ in
            try await store.createAPIKey(params.key)
            return .init(key: params.key)
        }
        router.register(StoreAPI.ListKeys.self) { params, _ in
            .init(keys: try await store.listAPIKeys(includeRevoked: params.includeRevoked))
        }
        router.register(StoreAPI.FindKey.self) { params, _ in
            .init(key: try await store.findAPIKey(prefix: params.prefix))
        }
        router.register(StoreAPI.RevokeKey.self) { params, _ in
            .init(updated: try await store.revokeAPIKey(id: params.id, at: params.at))
        }
        router.register(StoreAPI.TouchKey.self) { params, _ in
            .init(updated: try await store.touchAPIKey(id: params.id, at: params.at))
        }
    }

    /// Registers stats, integrity check, backups, retention and optimize.
    func registerAdmin(into router: inout RPCRouter) {
        let store = self.store, housekeeping = self.housekeeping
        router.register(StoreAPI.Stats.self) { _, _ in try await store.stats() }
        router.register(StoreAPI.IntegrityCheck.self) { _, _ in
            let lines = try await store.integrityCheck()
            return .init(ok: lines == ["ok"], lines: lines)
        }
        // Backups create, list and delete files with synchronous file-system calls (and open a database queue),
        // so these two run on the concurrency pool, not on the connection's event loop. Every other store method
        // reaches SQLite only through GRDB's async `read`/`write`, which run on GRDB's own queues and merely
        // suspend the handler.
        router.register(StoreAPI.CreateBackup.self, placement: .concurrencyPool) { _, _ in try await housekeeping.runBackup() }
        router.register(StoreAPI.ListBackups.self, placement: .concurrencyPool) { _, _ in
            .init(directory: housekeeping.configuration.backupDirectory, backups: try housekeeping.listBackups())
        }
        router.register(StoreAPI.RunRetention.self) { _, _ in try await housekeeping.runRetention() }
        router.register(StoreAPI.Optimize.self) { _, _ in try await housekeeping.runOptimize() }
    }
}
