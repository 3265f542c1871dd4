import Contracts
import CryptoModels
import Foundation
import GRDB

/// Insert figures of the naive baseline.
public struct BaselineInsertResult: Sendable, Hashable, Codable {
    /// Candles written.
    public var candles: Int
    /// Candles per second.
    public var rowsPerSecond: Double
    /// File bytes per candle.
    public var bytesPerCandle: Double
}

/// The large-table parts of `make bench`, with a naive baseline: a rowid table plus a unique index on
/// (symbol, interval, open_time), written with plain GRDB `INSERT … ON CONFLICT DO UPDATE` (a cached statement, the
/// same decimal text) and read with the same decoding into `Candle`s. The store's own table is `WITHOUT ROWID` keyed by (symbol, interval, open_time).
extension StoreBenchmark {
    /// The baseline table.
    static let naiveSchema = """
        CREATE TABLE candles (
          id INTEGER PRIMARY KEY, symbol TEXT NOT NULL, interval TEXT NOT NULL, open_time INTEGER NOT NULL,
          open TEXT NOT NULL, high TEXT NOT NULL, low TEXT NOT NULL, close TEXT NOT NULL, volume TEXT,
          closed INTEGER NOT NULL, source TEXT NOT NULL);
        CREATE UNIQUE INDEX candles_key ON candles (symbol, interval, open_time);
        """

    /// Writes the same synthetic candles as `run` into the naive table, in transactions of `batchSize`.
    public static func runNaiveInsert(directory: String, candles: Int, batchSize: Int = 1_000,
                                      symbols: Int = 10) async throws -> BaselineInsertResult {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("naive-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let queue = try DatabasePool(path: path, configuration: SQLiteHistoryStore.configuration(busyTimeout: 5, maximumReaders: 2))
        try await queue.write { db in try db.execute(sql: naiveSchema) }
        try await queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let emptyBytes = SQLiteHistoryStore.fileSize(path)
        let clock = ContinuousClock()
        var writeTime = Duration.zero
        let written = try await forEachSyntheticBatch(candles: candles, symbols: symbols, batchSize: batchSize) { symbol, batch in
            let batchStart = clock.now
            let rows = batch
            try await queue.write { db in
                let statement = try db.cachedStatement(sql: """
                        INSERT INTO candles (symbol, interval, open_time, open, high, low, close, volume, closed, source)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (symbol, interval, open_time) DO UPDATE SET open = excluded.open, high = excluded.high,
                          low = excluded.low, close = excluded.close, volume = excluded.volume, closed = excluded.closed
                        """)
                for candle in rows {
                    // The same decimal text as the store writes, so only the table layout differs.
                    try statement.execute(arguments: [symbol, "1h", candle.openTime, DecimalText.text(candle.open),
                                                      DecimalText.text(candle.high), DecimalText.text(candle.low),
                                                      DecimalText.text(candle.close), candle.volume.map(DecimalText.text),
                                                      candle.closed, "bench"])
                }
            }
            writeTime += clock.now - batchStart
        }
        try await queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let bytes = SQLiteHistoryStore.fileSize(path) - emptyBytes
        try queue.close()
        return BaselineInsertResult(candles: written, rowsPerSecond: Double(written) / max(seconds(writeTime), 1e-9),
                                    bytesPerCandle: Double(bytes) / Double(max(written, 1)))
    }

    /// SQL that appends `?3` hourly candles of symbol `?1` from open time `?2` (a recursive CTE; shaped like
    /// 8-decimal Binance prices, canonical text without trailing zeros).
    static func fillSQL(table: String) -> String {
        """
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?3)
        INSERT INTO \(table) (symbol, interval, open_time, open, high, low, close, volume, closed, source)
        SELECT ?1, '1h', ?2 + i * 3600000,
          rtrim(rtrim(printf('%.8f', 60000 + (i % 997) * 1.23456789), '0'), '.'),
          rtrim(rtrim(printf('%.8f', 60100 + (i % 991) * 1.3456789), '0'), '.'),
          rtrim(rtrim(printf('%.8f', 59900 + (i % 983) * 1.1234567), '0'), '.'),
          rtrim(rtrim(printf('%.8f', 60050 + (i % 977) * 1.2345678), '0'), '.'),
          rtrim(rtrim(printf('%.8f', ((i * 7919) % 100000) / 100.0 + 0.12345678), '0'), '.'),
          1, 'bench' FROM n
        """
    }

    /// Builds a table of `rows` 1h candles (`symbols` series) with the SQL fast path — in the store's schema, or the
    /// naive baseline's when `naive` — ready for `ScaleTable.read()`.
    public static func buildScaleTable(directory: String, rows: Int, symbols: Int = 100, naive: Bool) async throws -> ScaleTable {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("scale-\(naive ? "naive" : "store")-\(UUID().uuidString).sqlite").path
        let store = try SQLiteHistoryStore(path: path)
        if naive { try await store.pool.write { db in try db.execute(sql: naiveSchema) } }
        try await store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let emptyBytes = SQLiteHistoryStore.fileSize(path)
        let hour = Interval.h1.milliseconds
        let start: EpochMillis = 1_300_000_000_000 / hour * hour
        let perSymbol = rows / symbols
        let clock = ContinuousClock()
        let fillStart = clock.now
        for index in 0..<symbols {
            let symbol = "SYM\(index)USDT"
            try await store.pool.write { db in
                try db.execute(sql: fillSQL(table: naive ? "candles" : "ohlcv"), arguments: [symbol, start, perSymbol])
                if !naive {
                    try db.execute(sql: "INSERT INTO ohlcv_series (symbol, interval) VALUES (?, '1h') ON CONFLICT DO NOTHING", arguments: [symbol])
                    try SQLiteHistoryStore.noteSymbols([symbol], at: start, in: db)
                }
            }
        }
        try await store.pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
            try db.execute(sql: "ANALYZE")
        }
        let total = symbols * perSymbol
        // 90 days ending in the middle of the first symbol's series.
        let readTo = start + Int64(perSymbol / 2) * hour
        return ScaleTable(store: store, path: path, naive: naive, rows: total, fillSeconds: seconds(clock.now - fillStart),
                          bytesPerCandle: Double(SQLiteHistoryStore.fileSize(path) - emptyBytes) / Double(max(total, 1)),
                          readFrom: readTo - Int64(24 * 90 - 1) * hour, readTo: readTo)
    }
}

/// A large candle table built by `StoreBenchmark.buildScaleTable`, read by `read()` and deleted by `remove()`.
public final class ScaleTable: Sendable {
    let store: SQLiteHistoryStore
    let path: String
    /// Whether this is the naive baseline layout.
    public let naive: Bool
    /// Candles in the table.
    public let rows: Int
    /// Seconds spent filling it (SQL fast path, not the measured write path).
    public let fillSeconds: Double
    /// Database file bytes per candle (after a checkpoint, empty schema subtracted).
    public let bytesPerCandle: Double
    let readFrom: EpochMillis
    let readTo: EpochMillis

    init(store: SQLiteHistoryStore, path: String, naive: Bool, rows: Int, fillSeconds: Double, bytesPerCandle: Double,
         readFrom: EpochMillis, readTo: EpochMillis) {
        self.store = store
        self.path = path
        self.naive = naive
        self.rows = rows
        self.fillSeconds = fillSeconds
        self.bytesPerCandle = bytesPerCandle
        self.readFrom = readFrom
        self.readTo = readTo
    }

    /// Reads 90 days of 1h candles of one symbol, decoded into `Candle`s; returns the latency in ms and the rows.
    public func read() async throws -> (ms: Double, rows: Int) {
        let clock = ContinuousClock()
        let began = clock.now
        let count: Int
        if naive {
            let (from, to) = (readFrom, readTo)
            count = try await store.pool.read { db in
                let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                    SELECT open_time, open, high, low, close, volume, closed FROM candles
                    WHERE symbol = ? AND interval = ? AND open_time >= ? AND open_time <= ? ORDER BY open_time
                    """), arguments: ["SYM0USDT", "1h", from, to])
                var candles: [Candle] = []
                while let row = try rows.next() { candles.append(try SQLiteHistoryStore.candle(row)) }
                return candles.count
            }
        } else {
            count = try await store.candles(symbol: "SYM0USDT", interval: .h1, from: readFrom, to: readTo, limit: nil).count
        }
        return (StoreBenchmark.seconds(clock.now - began) * 1_000, count)
    }

    /// Closes and deletes the database.
    public func remove() {
        try? store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
