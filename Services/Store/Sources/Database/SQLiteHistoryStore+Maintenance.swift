import Contracts
import CryptoModels
import Foundation
import GRDB

/// Statistics, integrity, retention and space reclamation.
extension SQLiteHistoryStore {
    /// Tables reported by `stats()`, with their time column (`nil` when the table is not time-stamped).
    static let statsTables: [(table: String, timeColumn: String?)] = [
        ("prices", "ts"), ("ohlcv", "open_time"), ("market_snapshots", "ts"), ("defi_protocols", "ts"),
        ("news", "published_at"), ("news_assets", nil), ("fear_greed", "ts"), ("providers", nil),
        ("api_calls", "ts"), ("user_requests", "ts"), ("api_keys", "created_at"),
    ]

    /// Implements `HistoryStore.stats` (see the protocol for the contract).
    public func stats() async throws -> StoreStats {
        let (pages, pageSize, free, migrations, tables) = try await pool.read { db in
            var tables: [TableStats] = []
            for (table, column) in Self.statsTables {
                let rows = try Int64.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
                var oldest: Int64?, newest: Int64?
                if table == "ohlcv" {
                    // Per series through the primary key: O(series · log n) instead of a full scan.
                    let bounds = try Row.fetchOne(db, sql: """
                        SELECT min(lo) AS lo, max(hi) AS hi FROM (
                          SELECT (SELECT min(open_time) FROM ohlcv o WHERE o.symbol = s.symbol AND o.interval = s.interval) AS lo,
                                 (SELECT max(open_time) FROM ohlcv o WHERE o.symbol = s.symbol AND o.interval = s.interval) AS hi
                          FROM ohlcv_series s)
                        """)
                    oldest = bounds?["lo"]
                    newest = bounds?["hi"]
                } else if let column {
                    oldest = try Int64.fetchOne(db, sql: "SELECT min(\(column)) FROM \(table)")
                    newest = try Int64.fetchOne(db, sql: "SELECT max(\(column)) FROM \(table)")
                }
                tables.append(TableStats(table: table, rows: rows, oldest: oldest, newest: newest))
            }
            return (try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0,
                    try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0,
                    try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0,
                    try Self.migrator.appliedMigrations(db),
                    tables)
        }
        return StoreStats(path: path, fileBytes: Self.fileSize(path), walBytes: Self.fileSize(path + "-wal"),
                          pageCount: pages, pageSize: pageSize, freelistCount: free, migrations: migrations,
                          tables: tables)
    }

    /// Size of a file in bytes, 0 when it does not exist.
    static func fileSize(_ path: String) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Implements `HistoryStore.integrityCheck` (see the protocol for the contract).
    public func integrityCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// Implements `HistoryStore.quickCheck` (see the protocol for the contract).
    public func quickCheck() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
    }

    /// Implements `HistoryStore.ping` (see the protocol for the contract).
    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// Implements `HistoryStore.deleteOlderThan` (see the protocol for the contract).
    public func deleteOlderThan(_ cutoffs: [HistoryTable: EpochMillis]) async throws -> [HistoryTable: Int] {
        guard !cutoffs.isEmpty else { return [:] }
        let result = try await pool.write { db in
            var deleted: [HistoryTable: Int] = [:]
            for table in HistoryTable.allCases {
                guard let cutoff = cutoffs[table] else { continue }
                if table == .ohlcv {
                    var count = 0
                    let series = try Row.fetchAll(db, sql: "SELECT symbol, interval FROM ohlcv_series")
                    for row in series {
                        let symbol: String = row["symbol"], interval: String = row["interval"]
                        try db.execute(sql: "DELETE FROM ohlcv WHERE symbol = ? AND interval = ? AND open_time < ?",
                                       arguments: [symbol, interval, cutoff])
                        count += db.changesCount
                        try db.execute(sql: """
                            DELETE FROM ohlcv_series WHERE symbol = ? AND interval = ?
                              AND NOT EXISTS (SELECT 1 FROM ohlcv WHERE symbol = ? AND interval = ?)
                            """, arguments: [symbol, interval, symbol, interval])
                    }
                    deleted[table] = count
                } else {
                    // news_assets rows go with their news through ON DELETE CASCADE.
                    try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE \(table.timeColumn) < ?", arguments: [cutoff])
                    deleted[table] = db.changesCount
                }
            }
            return deleted
        }
        logger.info("store retention", metadata: ["store.deleted": "\(result.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: ","))"])
        return result
    }

    /// Implements `HistoryStore.optimize` (see the protocol for the contract).
    public func optimize() async throws -> OptimizeResult {
        let result = try await pool.writeWithoutTransaction { db in
            let before = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            try db.execute(sql: "PRAGMA optimize")
            try db.execute(sql: "PRAGMA incremental_vacuum")
            // Copy the freed pages back so the main file can shrink; readers may keep part of the WAL alive,
            // which a passive checkpoint simply leaves for later.
            _ = try? db.checkpoint(.passive)
            return OptimizeResult(freePagesBefore: before,
                                  freePagesAfter: try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0,
                                  pageCount: try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0)
        }
        logger.info("store optimized", metadata: ["store.free_before": "\(result.freePagesBefore)",
                                                  "store.free_after": "\(result.freePagesAfter)"])
        return result
    }
}
