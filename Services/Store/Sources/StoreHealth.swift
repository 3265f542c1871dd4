import Contracts
import CryptoModels
import Foundation
import RPC
import ServiceKit

/// store-svc's component checks: the database (reachable; quick check at start; size), backups (age of the newest)
/// and retention (last run).
struct StoreHealth: Sendable {
    let store: any HistoryStore
    let configuration: StoreConfiguration
    let status: StoreStatus
    let now: @Sendable () -> EpochMillis

    /// Registers the checks.
    func register(in health: HealthRegistry) {
        let this = self
        health.register("database") { await this.database() }
        health.register("backups") { this.backups() }
        health.register("retention") { this.retention() }
    }

    /// `database`: a trivial read answers; the start-up quick check was ok; file and WAL sizes.
    func database() async -> ComponentCheck {
        let bytes = Self.size(configuration.databasePath), wal = Self.size(configuration.databasePath + "-wal")
        var observed: [String: JSON] = ["file_bytes": .number(Double(bytes)), "wal_bytes": .number(Double(wal)),
                                        "startup_check": .string(status.startupCheck.prefix(3).joined(separator: "; "))]
        do {
            let started = ContinuousClock.now
            try await store.ping()
            let elapsed = ContinuousClock.now - started
            observed["ping_ms"] = .number(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1_000)
        } catch {
            return ComponentCheck(name: "database", status: .unhealthy, detail: "database does not answer: \(error)", observed: observed)
        }
        if status.startupCheck != ["ok"] {
            return ComponentCheck(name: "database", status: .unhealthy, detail: "quick_check at start reported problems",
                                  observed: observed)
        }
        return ComponentCheck(name: "database", status: .healthy, observed: observed)
    }

    /// `backups`: age of the newest backup and the last error.
    func backups() -> ComponentCheck {
        let job = status.job(StoreHousekeeping.JobName.backup)
        var observed: [String: JSON] = ["keep": .number(Double(configuration.backupKeep))]
        if let last = job.lastSuccessAt { observed["last_backup_age_s"] = .number(Double(now() - last) / 1_000) }
        if let error = job.lastError { observed["last_error"] = .string(error) }
        guard let interval = configuration.backupInterval else {
            return ComponentCheck(name: "backups", status: .healthy, detail: "scheduled backups are off", observed: observed)
        }
        if job.failing {
            return ComponentCheck(name: "backups", status: .degraded, detail: "the last backup failed", observed: observed)
        }
        let intervalMs = interval.components.seconds * 1_000 + interval.components.attoseconds / 1_000_000_000_000_000
        if let last = job.lastSuccessAt, now() - last > 2 * intervalMs + 60_000 {
            return ComponentCheck(name: "backups", status: .degraded, detail: "the newest backup is older than two intervals",
                                  observed: observed)
        }
        return ComponentCheck(name: "backups", status: .healthy, observed: observed)
    }

    /// `retention`: age of the last run, the windows and the last error.
    func retention() -> ComponentCheck {
        let job = status.job(StoreHousekeeping.JobName.retention)
        var observed: [String: JSON] = [:]
        if let last = job.lastSuccessAt { observed["last_run_age_s"] = .number(Double(now() - last) / 1_000) }
        if let error = job.lastError { observed["last_error"] = .string(error) }
        for (table, days) in configuration.retentionDays { observed["\(table.rawValue)_days"] = .number(Double(days)) }
        if job.failing {
            return ComponentCheck(name: "retention", status: .degraded, detail: "the last retention run failed", observed: observed)
        }
        return ComponentCheck(name: "retention", status: .healthy, observed: observed)
    }

    /// Size of a file in bytes, 0 when absent.
    static func size(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
