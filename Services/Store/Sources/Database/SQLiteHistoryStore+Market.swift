import Contracts
import CryptoModels
import Foundation
import GRDB

/// Prices, candles and market listings.
extension SQLiteHistoryStore {
    /// The SQL of the candle range read; the primary key (symbol, interval, open_time) answers it.
    static let candleRangeSQL = """
        SELECT open_time, open, high, low, close, volume, closed FROM ohlcv
        WHERE symbol = ? AND interval = ? AND open_time >= ? AND open_time <= ?
        ORDER BY open_time DESC LIMIT ?
        """

    /// The SQL of the downsampled price read: one row per time bucket, the bucket's latest observation
    /// (SQLite returns the bare columns of the row holding `max(ts)`).
    static let priceHistorySQL = """
        SELECT max(ts) AS ts, price FROM prices
        WHERE symbol = ? AND vs = ? AND ts >= ? AND ts <= ?
        GROUP BY (ts - ?) / ?
        ORDER BY ts
        """

    /// Implements `HistoryStore.insertPrices` (see the protocol for the contract).
    public func insertPrices(_ quotes: [Quote], source: String) async throws -> Int {
        try Self.require(source, "source")
        for quote in quotes {
            try Self.require(quote.symbol, "quote symbol")
            try Self.require(quote.vs, "quote vs")
        }
        guard !quotes.isEmpty else { return 0 }
        return try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO prices (symbol, vs, ts, source, price, market_cap, volume_24h, change_24h_pct)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
            var inserted = 0
            for quote in quotes {
                try statement.execute(arguments: [quote.symbol, quote.vs, quote.ts, source, DecimalText.text(quote.price),
                                                  quote.marketCap.map(DecimalText.text), quote.volume24h.map(DecimalText.text),
                                                  quote.change24hPct])
                inserted += db.changesCount
            }
            try Self.noteSymbols(quotes.map(\.symbol), at: quotes.map(\.ts).max() ?? 0, in: db)
            return inserted
        }
    }

    /// Implements `HistoryStore.upsertCandles` (see the protocol for the contract).
    public func upsertCandles(symbol: String, interval: Interval, candles: [Candle], source: String) async throws -> Int {
        try Self.require(symbol, "symbol")
        try Self.require(source, "source")
        guard !candles.isEmpty else { return 0 }
        return try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO ohlcv (symbol, interval, open_time, open, high, low, close, volume, closed, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (symbol, interval, open_time) DO UPDATE SET
                  open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
                  volume = excluded.volume, closed = excluded.closed, source = excluded.source
                WHERE NOT (ohlcv.closed = 1 AND excluded.closed = 0)
                  AND (ohlcv.open, ohlcv.high, ohlcv.low, ohlcv.close, ohlcv.volume, ohlcv.closed, ohlcv.source)
                   IS NOT (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume,
                           excluded.closed, excluded.source)
                """)
            var changed = 0
            for candle in candles {
                try statement.execute(arguments: [symbol, interval.rawValue, candle.openTime, DecimalText.text(candle.open),
                                                  DecimalText.text(candle.high), DecimalText.text(candle.low),
                                                  DecimalText.text(candle.close), candle.volume.map(DecimalText.text),
                                                  candle.closed, source])
                changed += db.changesCount
            }
            try db.execute(sql: "INSERT INTO ohlcv_series (symbol, interval) VALUES (?, ?) ON CONFLICT DO NOTHING",
                           arguments: [symbol, interval.rawValue])
            try Self.noteSymbols([symbol], at: candles.map(\.openTime).max() ?? 0, in: db)
            return changed
        }
    }

    /// Implements `HistoryStore.insertMarketSnapshot` (see the protocol for the contract).
    public func insertMarketSnapshot(_ snapshot: MarketSnapshot) async throws -> Int {
        try Self.require(snapshot.source, "source")
        try Self.require(snapshot.vs, "vs")
        let json = try Self.jsonText(snapshot.entries)
        return try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO market_snapshots (ts, source, vs, row_count, rows_json) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """, arguments: [snapshot.ts, snapshot.source, snapshot.vs, snapshot.entries.count, json])
            let inserted = db.changesCount
            if inserted > 0 {
                try Self.noteSymbols(snapshot.entries.map { $0.symbol.uppercased() }.filter { !$0.isEmpty },
                                     at: snapshot.ts, in: db)
            }
            return inserted
        }
    }

    /// Implements `HistoryStore.priceHistory` (see the protocol for the contract).
    public func priceHistory(symbol: String, vs: String, from: EpochMillis, to: EpochMillis,
                             maxPoints: Int) async throws -> [PricePoint] {
        try Self.require(symbol, "symbol")
        try Self.require(vs, "vs")
        try Self.requireRange(from, to)
        guard maxPoints >= 1 else { throw StoreError.invalidArgument("maxPoints must be at least 1, got \(maxPoints)") }
        // Equal buckets of `width` ms cover [from, to]; width > (to - from) / maxPoints keeps the last bucket
        // index below maxPoints, so there are at most maxPoints buckets.
        let (span, overflow) = to.subtractingReportingOverflow(from)
        guard !overflow else { throw StoreError.invalidArgument("time range \(from)…\(to) is too wide") }
        let width = span / Int64(maxPoints) + 1
        return try await pool.read { db in
            try Row.fetchAll(db, sql: Self.priceHistorySQL, arguments: [symbol, vs, from, to, from, width]).map {
                PricePoint(ts: $0["ts"], price: try Self.amount($0, "price", table: "prices"))
            }
        }
    }

    /// Implements `HistoryStore.candles` (see the protocol for the contract).
    public func candles(symbol: String, interval: Interval, from: EpochMillis, to: EpochMillis,
                        limit: Int?) async throws -> [Candle] {
        try Self.require(symbol, "symbol")
        try Self.requireRange(from, to)
        if let limit, limit < 1 { throw StoreError.invalidArgument("limit must be at least 1, got \(limit)") }
        return try await pool.read { db in
            // A cursor over a cached statement reads each row in place (no per-row copy).
            let statement = try db.cachedStatement(sql: Self.candleRangeSQL)
            let rows = try Row.fetchCursor(statement, arguments: [symbol, interval.rawValue, from, to, limit ?? -1])
            var newestFirst: [Candle] = []
            while let row = try rows.next() { newestFirst.append(try Self.candle(row)) }
            return newestFirst.reversed()
        }
    }

    /// Maps a row of `candleRangeSQL` (columns by position: open_time, open, high, low, close, volume, closed).
    static func candle(_ row: Row) throws -> Candle {
        func decimal(_ index: Int, _ column: String) throws -> Amount {
            let text: String? = row[index]
            guard let text, let amount = DecimalText.amount(text) else {
                throw StoreError.corruptValue(table: "ohlcv", column: column, value: String(describing: row[index] as DatabaseValue))
            }
            return amount
        }
        let volume: String? = row[5]
        return Candle(openTime: row[0], open: try decimal(1, "open"), high: try decimal(2, "high"),
                      low: try decimal(3, "low"), close: try decimal(4, "close"),
                      volume: volume == nil ? nil : try decimal(5, "volume"), closed: row[6])
    }

    /// Implements `HistoryStore.latestMarketSnapshots` (see the protocol for the contract).
    public func latestMarketSnapshots(limit: Int) async throws -> [MarketSnapshot] {
        guard limit >= 1 else { throw StoreError.invalidArgument("limit must be at least 1, got \(limit)") }
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT ts, source, vs, rows_json FROM market_snapshots ORDER BY ts DESC, id DESC LIMIT ?
                """, arguments: [limit]).map { row in
                MarketSnapshot(ts: row["ts"], source: row["source"], vs: row["vs"],
                               entries: try Self.decodeJSON([MarketEntry].self, row["rows_json"],
                                                            table: "market_snapshots", column: "rows_json"))
            }
        }
    }

    /// Implements `HistoryStore.marketHistory` (see the protocol for the contract).
    ///
    /// Walks the snapshots newest first through the `ts` index and stops after `limit` matching rows, so the cost
    /// is proportional to how far back the symbol's last `limit` appearances are, not to the table's size.
    public func marketHistory(symbol: String, limit: Int) async throws -> [MarketHistoryPoint] {
        try Self.require(symbol, "symbol")
        guard limit >= 1 else { throw StoreError.invalidArgument("limit must be at least 1, got \(limit)") }
        let wanted = symbol.uppercased()
        return try await pool.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.ts, s.source, s.vs, e.value AS entry FROM market_snapshots s, json_each(s.rows_json) e
                WHERE upper(json_extract(e.value, '$.symbol')) = ?
                ORDER BY s.ts DESC, s.id DESC LIMIT ?
                """, arguments: [wanted, limit])
            var points: [MarketHistoryPoint] = []
            while let row = try rows.next() {
                let entry = try Self.decodeJSON(MarketEntry.self, row["entry"], table: "market_snapshots", column: "rows_json")
                points.append(MarketHistoryPoint(ts: row["ts"], source: row["source"], vs: row["vs"], entry: entry))
            }
            return points
        }
    }

    /// Implements `HistoryStore.knownSymbols` (see the protocol for the contract).
    public func knownSymbols() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT symbol FROM known_symbols ORDER BY symbol")
        }
    }
}
