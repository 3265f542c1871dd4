import Contracts
import CryptoModels
import Foundation
import Logging
import RPC
import ServiceKit

/// store-svc: durable history in SQLite (GRDB `DatabasePool`, WAL), its RPC methods, health and housekeeping.
public enum StoreService {
    /// Opens the store named by the settings, registers every `store.*` method, the health checks and the
    /// housekeeping services.
    ///
    /// - Throws: `StoreConfigurationError` (e.g. a `postgres://` `DATABASE_URL`), or the store's error when the
    ///   database cannot be opened or migrated.
    public static func configure(_ setup: inout ServiceSetup, now: @escaping @Sendable () -> EpochMillis = Timestamps.nowMillis) async throws {
        let configuration: StoreConfiguration
        do {
            configuration = try StoreConfiguration(settings: setup.settings)
        } catch {
            setup.logger.critical("store configuration refused", metadata: ["error": "\(error)"])
            throw error
        }
        let store = try SQLiteHistoryStore(path: configuration.databasePath, logger: setup.logger)
        try await configure(&setup, store: store, configuration: configuration, now: now)
    }

    /// Registers the methods, checks and services over an open store (tests pass their own store and clock).
    public static func configure(_ setup: inout ServiceSetup, store: SQLiteHistoryStore, configuration: StoreConfiguration,
                                 now: @escaping @Sendable () -> EpochMillis = Timestamps.nowMillis) async throws {
        let check = try await store.quickCheck()
        if check != ["ok"] {
            setup.logger.critical("store quick_check failed at start", metadata: ["store.check": "\(check.prefix(5))"])
        }
        let status = StoreStatus(startupCheck: check)
        let housekeeping = StoreHousekeeping(store: store, configuration: configuration, status: status, now: now,
                                             logger: setup.logger)
        StoreHandlers(store: store, housekeeping: housekeeping).register(into: &setup.router)
        setup.services += housekeeping.services()
        StoreHealth(store: store, configuration: configuration, status: status, now: now).register(in: setup.health)
        setup.logger.info("store open", metadata: ["store.path": "\(configuration.databasePath)",
                                                   "store.backups": "\(configuration.backupDirectory)",
                                                   "store.retention": "\(configuration.retentionDays.map { "\($0.key.rawValue)=\($0.value)d" }.sorted().joined(separator: ","))"])
    }
}
