import Contracts
import CryptoModels
import Foundation
import Logging

/// The housekeeping jobs of store-svc — retention, optimize + incremental vacuum, backups — each run by a
/// `PeriodicJob` service on its schedule and also on demand through RPC. Outcomes go to `StoreStatus`.
public struct StoreHousekeeping: Sendable {
    /// The store.
    public let store: any HistoryStore
    /// The schedule and windows.
    public let configuration: StoreConfiguration
    /// Where outcomes are recorded.
    public let status: StoreStatus
    /// The clock (epoch ms); tests fix it.
    public let now: @Sendable () -> EpochMillis
    /// Logger.
    public let logger: Logger

    /// Job names, as reported in health.
    public enum JobName {
        /// Retention.
        public static let retention = "retention"
        /// Optimize and incremental vacuum.
        public static let optimize = "optimize"
        /// Backups.
        public static let backup = "backup"
    }

    /// Creates the jobs.
    public init(store: any HistoryStore, configuration: StoreConfiguration, status: StoreStatus,
                now: @escaping @Sendable () -> EpochMillis = Timestamps.nowMillis, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.status = status
        self.now = now
        self.logger = logger
    }

    /// Deletes what is older than each table's window now. Returns rows deleted and cutoffs by table name.
    public func runRetention() async throws -> Store.RunRetention.Result {
        let at = now()
        let cutoffs = configuration.retentionCutoffs(now: at)
        do {
            let deleted = try await store.deleteOlderThan(cutoffs)
            for (table, count) in deleted { StoreMetrics.retained(table.rawValue, deleted: count) }
            status.succeeded(JobName.retention, at: at)
            return .init(deleted: Dictionary(uniqueKeysWithValues: deleted.map { ($0.key.rawValue, $0.value) }),
                         cutoffs: Dictionary(uniqueKeysWithValues: cutoffs.map { ($0.key.rawValue, $0.value) }))
        } catch {
            status.failed(JobName.retention, at: at, error: "\(error)")
            throw error
        }
    }

    /// Runs `PRAGMA optimize` and an incremental vacuum.
    public func runOptimize() async throws -> OptimizeResult {
        let at = now()
        do {
            let result = try await store.optimize()
            status.succeeded(JobName.optimize, at: at)
            return result
        } catch {
            status.failed(JobName.optimize, at: at, error: "\(error)")
            throw error
        }
    }

    /// Takes an online backup into the backup directory and rotates old ones.
    public func runBackup() async throws -> BackupInfo {
        let at = now()
        do {
            let info = try await store.backup(to: configuration.backupDirectory, keep: configuration.backupKeep)
            status.succeeded(JobName.backup, at: info.createdAt)
            return info
        } catch {
            status.failed(JobName.backup, at: at, error: "\(error)")
            throw error
        }
    }

    /// The backups present, newest first.
    public func listBackups() throws -> [BackupInfo] {
        try SQLiteHistoryStore.listBackups(in: configuration.backupDirectory, databasePath: configuration.databasePath)
    }

    /// The scheduled services: retention (first run at start), optimize (first after one interval), and backups
    /// (first when the newest existing backup is one interval old, so restarts do not postpone backups; within five
    /// minutes when there is none).
    public func services() -> [PeriodicJob] {
        var jobs = [
            PeriodicJob(name: JobName.retention, interval: configuration.retentionInterval, initialDelay: .zero,
                        logger: logger) { _ = try await self.runRetention() },
            PeriodicJob(name: JobName.optimize, interval: configuration.optimizeInterval,
                        initialDelay: configuration.optimizeInterval, logger: logger) { _ = try await self.runOptimize() },
        ]
        if let interval = configuration.backupInterval {
            let newest = (try? listBackups())?.first?.createdAt
            if let newest { status.succeeded(JobName.backup, at: newest) }
            let age = newest.map { Duration.milliseconds(max(0, now() - $0)) }
            // Without any backup yet, the first one is taken within minutes, so a process that restarts more often
            // than the interval still gets backed up.
            let delay = age.map { $0 >= interval ? Duration.zero : interval - $0 } ?? min(interval, .seconds(300))
            jobs.append(PeriodicJob(name: JobName.backup, interval: interval, initialDelay: delay, logger: logger) {
                _ = try await self.runBackup()
            })
        }
        return jobs
    }
}
