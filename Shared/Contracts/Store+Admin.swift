import CryptoModels
import RPC

/// store-svc's housekeeping methods (used by `cryptodt-admin` and tests).
extension Store {
    /// `store.stats`: file size, pages, rows and time range per table.
    public enum Stats: RPCMethod {
        public static let name = "store.stats"
        public typealias Params = NoParams
        public typealias Result = StoreStats
    }

    /// `store.integrity_check`: `PRAGMA integrity_check`.
    public enum IntegrityCheck: RPCMethod {
        public static let name = "store.integrity_check"
        public typealias Params = NoParams
        /// The check's answer.
        public struct Result: Codable, Sendable, Hashable {
            /// Whether the answer was exactly `ok`.
            public var ok: Bool
            /// The lines of the answer.
            public var lines: [String]
            /// Creates the result.
            public init(ok: Bool, lines: [String]) {
                self.ok = ok
                self.lines = lines
            }
        }
    }

    /// `store.backup.create`: an online backup into the backup directory, then rotation to the configured count.
    public enum CreateBackup: RPCMethod {
        public static let name = "store.backup.create"
        public typealias Params = NoParams
        public typealias Result = BackupInfo
    }

    /// `store.backup.list`: the backups in the backup directory, newest first.
    public enum ListBackups: RPCMethod {
        public static let name = "store.backup.list"
        public typealias Params = NoParams
        /// The backups.
        public struct Result: Codable, Sendable, Hashable {
            /// The backup directory.
            public var directory: String
            /// Backups, newest first.
            public var backups: [BackupInfo]
            /// Creates the result.
            public init(directory: String, backups: [BackupInfo]) {
                self.directory = directory
                self.backups = backups
            }
        }
    }

    /// `store.retention.run`: deletes rows older than each table's retention window now (as the schedule does).
    public enum RunRetention: RPCMethod {
        public static let name = "store.retention.run"
        public typealias Params = NoParams
        /// What was deleted.
        public struct Result: Codable, Sendable, Hashable {
            /// Rows deleted per table name.
            public var deleted: [String: Int]
            /// The cutoff used per table name (epoch ms; rows strictly older were deleted).
            public var cutoffs: [String: EpochMillis]
            /// Creates the result.
            public init(deleted: [String: Int], cutoffs: [String: EpochMillis]) {
                self.deleted = deleted
                self.cutoffs = cutoffs
            }
        }
    }

    /// `store.optimize`: `PRAGMA optimize` and an incremental vacuum.
    public enum Optimize: RPCMethod {
        public static let name = "store.optimize"
        public typealias Params = NoParams
        public typealias Result = OptimizeResult
    }
}
