import CryptoModels
import Foundation

/// The time-stamped tables that retention can trim.
public enum HistoryTable: String, Sendable, Hashable, CaseIterable, Codable {
    /// Price observations (`ts`).
    case prices
    /// Candles (`open_time`).
    case ohlcv
    /// Market listings (`ts`).
    case marketSnapshots = "market_snapshots"
    /// DeFi protocol snapshots (`ts`).
    case defiProtocols = "defi_protocols"
    /// News (`published_at`); their `news_assets` rows go with them.
    case news
    /// Fear & Greed values (`ts`).
    case fearGreed = "fear_greed"
    /// Provider calls (`ts`).
    case apiCalls = "api_calls"
    /// Gateway requests (`ts`).
    case userRequests = "user_requests"

    /// The column holding the table's time (epoch ms).
    public var timeColumn: String {
        switch self {
        case .ohlcv: "open_time"
        case .news: "published_at"
        default: "ts"
        }
    }
}

/// Row count and time range of one table.
public struct TableStats: Sendable, Hashable, Codable {
    /// Table name.
    public var table: String
    /// Number of rows.
    public var rows: Int64
    /// Oldest time in the table (epoch ms), `nil` when empty or untimed.
    public var oldest: EpochMillis?
    /// Newest time in the table (epoch ms), `nil` when empty or untimed.
    public var newest: EpochMillis?

    /// Creates stats.
    public init(table: String, rows: Int64, oldest: EpochMillis?, newest: EpochMillis?) {
        self.table = table
        self.rows = rows
        self.oldest = oldest
        self.newest = newest
    }
}

/// Size and contents of the database.
public struct StoreStats: Sendable, Hashable, Codable {
    /// Path of the main database file.
    public var path: String
    /// Size of the main file in bytes.
    public var fileBytes: Int64
    /// Size of the `-wal` file in bytes (0 when absent).
    public var walBytes: Int64
    /// `PRAGMA page_count`.
    public var pageCount: Int64
    /// `PRAGMA page_size`.
    public var pageSize: Int64
    /// `PRAGMA freelist_count`: pages an incremental vacuum can give back.
    public var freelistCount: Int64
    /// Schema version (number of applied migrations).
    public var migrations: [String]
    /// Per-table figures, in a fixed order.
    public var tables: [TableStats]

    /// Creates stats.
    public init(path: String, fileBytes: Int64, walBytes: Int64, pageCount: Int64, pageSize: Int64,
                freelistCount: Int64, migrations: [String], tables: [TableStats]) {
        self.path = path
        self.fileBytes = fileBytes
        self.walBytes = walBytes
        self.pageCount = pageCount
        self.pageSize = pageSize
        self.freelistCount = freelistCount
        self.migrations = migrations
        self.tables = tables
    }

    enum CodingKeys: String, CodingKey {
        case path, fileBytes = "file_bytes", walBytes = "wal_bytes", pageCount = "page_count", pageSize = "page_size", freelistCount = "freelist_count", migrations, tables
    }
}

/// What `optimize()` did.
public struct OptimizeResult: Sendable, Hashable, Codable {
    /// Free pages before `PRAGMA incremental_vacuum`.
    public var freePagesBefore: Int64
    /// Free pages after it.
    public var freePagesAfter: Int64
    /// Total pages after it.
    public var pageCount: Int64

    /// Creates a result.
    public init(freePagesBefore: Int64, freePagesAfter: Int64, pageCount: Int64) {
        self.freePagesBefore = freePagesBefore
        self.freePagesAfter = freePagesAfter
        self.pageCount = pageCount
    }

    enum CodingKeys: String, CodingKey {
        case freePagesBefore = "free_pages_before", freePagesAfter = "free_pages_after", pageCount = "page_count"
    }
}

/// One backup file.
public struct BackupInfo: Sendable, Hashable, Codable {
    /// Absolute path of the file.
    public var path: String
    /// When the backup was taken (epoch ms, from its file name).
    public var createdAt: EpochMillis
    /// File size in bytes.
    public var bytes: Int64

    /// Creates an entry.
    public init(path: String, createdAt: EpochMillis, bytes: Int64) {
        self.path = path
        self.createdAt = createdAt
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey {
        case path, createdAt = "created_at", bytes
    }
}
