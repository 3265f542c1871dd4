import Contracts
import CryptoModels
import Foundation
import GRDB
import Logging

/// The SQLite implementation of `HistoryStore`: one GRDB `DatabasePool` (WAL mode, one writer and concurrent
/// readers) over a file.
///
/// Opening applies every pending migration, so opening an existing file twice is harmless. The pool is
/// thread-safe; the store holds only immutable references, so it is `Sendable`.
public final class SQLiteHistoryStore: HistoryStore {
    /// Path of the main database file.
    public let path: String
    /// The GRDB pool; exposed for tests and the benchmark, not for general use.
    let pool: DatabasePool
    /// Structured logger (`store.*` metadata).
    let logger: Logger

    /// Opens (creating when needed) the database at `path` and migrates it to the latest schema.
    ///
    /// - Parameters:
    ///   - path: The file path; its directory is created when missing.
    ///   - busyTimeout: How long a write waits for a lock held by another process before failing.
    ///   - maximumReaders: Concurrent reader connections.
    ///   - logger: Where migrations and housekeeping are logged.
    public init(path: String, busyTimeout: TimeInterval = 5, maximumReaders: Int = 5,
                logger: Logger = Logger(label: "store.sqlite")) throws {
        guard !path.isEmpty else { throw StoreError.invalidArgument("database path is empty") }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.fileSystem("cannot create \(directory.path): \(error)")
        }
        self.path = path
        self.logger = logger
        self.pool = try DatabasePool(path: path, configuration: Self.configuration(busyTimeout: busyTimeout,
                                                                                  maximumReaders: maximumReaders))
        let applied = try pool.read { try Self.migrator.appliedMigrations($0) }
        try Self.migrator.migrate(pool)
        let now = try pool.read { try Self.migrator.appliedMigrations($0) }
        if now.count != applied.count {
            logger.info("store migrated", metadata: ["store.path": "\(path)",
                                                    "store.migrations": "\(now.dropFirst(applied.count).joined(separator: ","))"])
        }
    }

    /// The connection settings: foreign keys, busy timeout, and incremental auto-vacuum on the writer.
    ///
    /// `auto_vacuum` only takes effect before the first table exists, so it is set on the writer connection as
    /// soon as it opens — before GRDB switches the file to WAL and before any migration runs. On an existing
    /// database the pragma is a no-op. `synchronous = NORMAL` is set by GRDB together with WAL mode.
    static func configuration(busyTimeout: TimeInterval, maximumReaders: Int) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.maximumReaderCount = max(1, maximumReaders)
        config.journalMode = .wal
        config.label = "store"
        config.prepareDatabase { db in
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            }
        }
        return config
    }

    /// The file path named by a `DATABASE_URL` value: `sqlite:///data/cryptodt.sqlite` → `/data/cryptodt.sqlite`,
    /// `sqlite://./data/cryptodt.sqlite` → `./data/cryptodt.sqlite`; a value without a scheme is taken as a path.
    ///
    /// - Throws: `StoreError.invalidArgument` for another scheme (e.g. `postgres://`, which needs another
    ///   `HistoryStore` backend) or an empty path.
    public static func databasePath(fromURL value: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let path: String
        if let schemeEnd = trimmed.range(of: "://") {
            let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "sqlite" || scheme == "file" else {
                throw StoreError.invalidArgument("DATABASE_URL scheme \(scheme) is not supported by the SQLite store")
            }
            path = String(trimmed[schemeEnd.upperBound...])
        } else {
            path = trimmed
        }
        guard !path.isEmpty else { throw StoreError.invalidArgument("DATABASE_URL has no path: \(value)") }
        return path
    }

    /// Closes every connection. Further calls fail.
    public func close() throws {
        try pool.close()
    }

    /// Runs `EXPLAIN QUERY PLAN` for `sql` and returns the plan's detail lines (for tests and benchmarks).
    public func queryPlan(sql: String, arguments: StatementArguments = StatementArguments()) async throws -> [String] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String? ?? "" }
        }
    }
}

// MARK: - Shared helpers

extension SQLiteHistoryStore {
    /// Validates that `name` is a non-empty identifier-like argument.
    static func require(_ value: String, _ name: String) throws {
        // Fast path: a value starting with a visible ASCII character is not blank (Foundation's trimming costs
        // ~2 µs, and the request audit validates thousands of rows a second).
        if let first = value.utf8.first, first > 0x20, first < 0x7F { return }
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw StoreError.invalidArgument("\(name) must not be empty")
        }
    }

    /// Validates an inclusive time range.
    static func requireRange(_ from: EpochMillis, _ to: EpochMillis) throws {
        if from > to { throw StoreError.invalidArgument("from (\(from)) is after to (\(to))") }
    }

    /// Reads a required decimal column.
    static func amount(_ row: Row, _ column: String, table: String) throws -> Amount {
        let text: String? = row[column]
        guard let text, let amount = DecimalText.amount(text) else {
            throw StoreError.corruptValue(table: table, column: column, value: String(describing: row[column] as DatabaseValue))
        }
        return amount
    }

    /// Reads an optional decimal column.
    static func optionalAmount(_ row: Row, _ column: String, table: String) throws -> Amount? {
        let value: DatabaseValue = row[column]
        if value.isNull { return nil }
        return try amount(row, column, table: table)
    }

    /// JSON encoder with sorted keys, so equal values are stored as equal text.
    static func jsonText(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes JSON text stored in `table.column`.
    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String, table: String, column: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptValue(table: table, column: column, value: String(text.prefix(120)))
        }
    }

    /// Records that `symbols` have data, for `knownSymbols()`.
    static func noteSymbols(_ symbols: some Sequence<String>, at ts: EpochMillis, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO known_symbols (symbol, first_seen, last_seen) VALUES (?, ?, ?)
            ON CONFLICT (symbol) DO UPDATE SET
              first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
            """)
        for symbol in Set(symbols) {
            try statement.execute(arguments: [symbol, ts, ts])
        }
    }
}
