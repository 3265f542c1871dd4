import Contracts
import CryptoModels
import Foundation
import ServiceKit

/// store-svc's settings, read once at start from the environment (ARCHITECTURE.md §4 plus the store's own keys).
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `DATABASE_URL` | `sqlite://$DATA_DIR/cryptodt.sqlite` | `sqlite://path`; `postgres://…` is refused at start |
/// | `BACKUP_DIR` | `$DATA_DIR/backups` | where online backups go |
/// | `BACKUP_INTERVAL_HOURS` | 24 | time between scheduled backups (fractional allowed; 0 disables) |
/// | `BACKUP_KEEP` | 7 | backups kept after rotation |
/// | `RETENTION_DAYS` | 90 | default retention of every history table (0 keeps forever) |
/// | `RETENTION_<TABLE>_DAYS` | `RETENTION_DAYS` | per table, e.g. `RETENTION_OHLCV_DAYS`, `RETENTION_API_CALLS_DAYS` |
/// | `RETENTION_INTERVAL_SECONDS` | 3600 | time between retention runs (the first runs at start) |
/// | `OPTIMIZE_INTERVAL_SECONDS` | 86400 | time between `PRAGMA optimize` + incremental vacuum runs |
public struct StoreConfiguration: Sendable {
    /// Path of the SQLite file.
    public var databasePath: String
    /// Backup directory.
    public var backupDirectory: String
    /// Time between backups; nil disables scheduled backups.
    public var backupInterval: Duration?
    /// Backups kept.
    public var backupKeep: Int
    /// Retention window in days per table; a table absent here is kept forever.
    public var retentionDays: [HistoryTable: Int]
    /// Time between retention runs.
    public var retentionInterval: Duration
    /// Time between optimize runs.
    public var optimizeInterval: Duration

    /// Creates a configuration.
    public init(databasePath: String, backupDirectory: String, backupInterval: Duration? = .seconds(86_400),
                backupKeep: Int = 7, retentionDays: [HistoryTable: Int] = Dictionary(uniqueKeysWithValues: HistoryTable.allCases.map { ($0, 90) }),
                retentionInterval: Duration = .seconds(3_600), optimizeInterval: Duration = .seconds(86_400)) {
        self.databasePath = databasePath
        self.backupDirectory = backupDirectory
        self.backupInterval = backupInterval
        self.backupKeep = backupKeep
        self.retentionDays = retentionDays
        self.retentionInterval = retentionInterval
        self.optimizeInterval = optimizeInterval
    }

    /// Reads the configuration from settings.
    ///
    /// - Throws: `StoreConfigurationError` for a `DATABASE_URL` this build cannot serve or an invalid number.
    public init(settings: Settings) throws {
        databasePath = try Self.databasePath(fromURL: settings.databaseURL)
        backupDirectory = settings.string("backup.dir", default: (settings.dataDir as NSString).appendingPathComponent("backups"))
        let hours = try Self.number(settings, "backup.interval.hours", "BACKUP_INTERVAL_HOURS", default: 24)
        backupInterval = hours > 0 ? .milliseconds(Int64((hours * 3_600_000).rounded())) : nil
        backupKeep = Int(try Self.number(settings, "backup.keep", "BACKUP_KEEP", default: 7))
        guard backupKeep >= 1 else { throw StoreConfigurationError.invalid("BACKUP_KEEP must be at least 1") }
        let defaultDays = Int(try Self.number(settings, "retention.days", "RETENTION_DAYS", default: 90))
        var days: [HistoryTable: Int] = [:]
        for table in HistoryTable.allCases {
            let upper = table.rawValue.uppercased()
            let value = Int(try Self.number(settings, "retention.\(table.rawValue.replacingOccurrences(of: "_", with: ".")).days",
                                            "RETENTION_\(upper)_DAYS", default: Double(defaultDays)))
            if value > 0 { days[table] = value }
        }
        retentionDays = days
        retentionInterval = .milliseconds(Int64(try Self.number(settings, "retention.interval.seconds",
                                                                "RETENTION_INTERVAL_SECONDS", default: 3_600) * 1_000))
        optimizeInterval = .milliseconds(Int64(try Self.number(settings, "optimize.interval.seconds",
                                                               "OPTIMIZE_INTERVAL_SECONDS", default: 86_400) * 1_000))
    }

    /// The retention cutoffs at `now`: rows strictly older than `now − days` go.
    public func retentionCutoffs(now: EpochMillis) -> [HistoryTable: EpochMillis] {
        retentionDays.mapValues { now - Int64($0) * 86_400_000 }
    }

    /// The SQLite file named by a `DATABASE_URL`.
    ///
    /// - Throws: `StoreConfigurationError.postgresNotBuilt` for `postgres://`/`postgresql://`, `.invalid` otherwise.
    public static func databasePath(fromURL url: String) throws -> String {
        let lowered = url.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            throw StoreConfigurationError.postgresNotBuilt
        }
        do {
            return try SQLiteHistoryStore.databasePath(fromURL: url)
        } catch {
            throw StoreConfigurationError.invalid("DATABASE_URL: \(error)")
        }
    }

    /// A non-negative number setting, or `default` when unset.
    static func number(_ settings: Settings, _ key: String, _ variable: String, default value: Double) throws -> Double {
        guard let text = settings.string(key) else { return value }
        guard let number = Double(text), number.isFinite, number >= 0 else {
            throw StoreConfigurationError.invalid("\(variable) must be a non-negative number, got '\(text)'")
        }
        return number
    }
}

/// A configuration store-svc refuses to start with.
public enum StoreConfigurationError: Error, CustomStringConvertible {
    /// `DATABASE_URL` names PostgreSQL, whose `HistoryStore` backend is not built yet.
    case postgresNotBuilt
    /// A malformed value.
    case invalid(String)

    /// The message printed at start.
    public var description: String {
        switch self {
        case .postgresNotBuilt:
            "DATABASE_URL names PostgreSQL, but the PostgreSQL backend of store-svc is not built yet; use sqlite://<path> (the default is sqlite://$DATA_DIR/cryptodt.sqlite)"
        case .invalid(let detail): detail
        }
    }
}
