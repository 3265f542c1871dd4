import Contracts
import CryptoModels
import Foundation
import GRDB

/// Figures measured by `StoreBenchmark.run`.
public struct StoreBenchmarkResult: Sendable, Hashable, Codable {
    /// Candles written.
    public var candles: Int
    /// Candles per upsert transaction.
    public var batchSize: Int
    /// Write throughput (candles per second over the time spent in `upsertCandles`, generation excluded).
    public var insertRowsPerSecond: Double
    /// Median latency of reading 90 days of 1h candles (2,160 rows) of one symbol, in milliseconds.
    public var read90dMedianMs: Double
    /// Rows returned by that read (2,160 when the data covers 90 days).
    public var read90dRows: Int
    /// Growth of the database file (after a checkpoint, empty schema subtracted) divided by candles stored.
    public var bytesPerCandle: Double
    /// The query plan of the read, to show it walks the primary key.
    public var readPlan: [String]
}

/// A micro-benchmark of the candle path, for `make bench`. Not a test: it only measures.
///
/// The candles are synthetic (a deterministic random walk with 8-decimal prices shaped like Binance klines,
/// spread over several symbols at 1h), because the benchmark needs volume, not real prices.
public enum StoreBenchmark {
    /// Writes `candles` 1h candles in transactions of `batchSize` into a fresh database in `directory`, then reads a
    /// 90-day range of one symbol `reads` times.
    public static func run(directory: String, candles: Int = 200_000, batchSize: Int = 1_000,
                           symbols: Int = 10, reads: Int = 50) async throws -> StoreBenchmarkResult {
        guard candles >= 1, batchSize >= 1, symbols >= 1, reads >= 1 else {
            throw StoreError.invalidArgument("candles, batchSize, symbols and reads must be positive")
        }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("bench-\(UUID().uuidString).sqlite").path
        let store = try SQLiteHistoryStore(path: path)
        defer {
            try? store.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        // The empty schema's pages are not candle bytes: measure them first and subtract them at the end.
        try await store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let emptyBytes = SQLiteHistoryStore.fileSize(path)
        let hour = Interval.h1.milliseconds
        let perSymbol = (candles + symbols - 1) / symbols
        let start = syntheticStart
        let clock = ContinuousClock()
        var writeTime = Duration.zero
        let written = try await forEachSyntheticBatch(candles: candles, symbols: symbols, batchSize: batchSize) { symbol, batch in
            let batchStart = clock.now
            _ = try await store.upsertCandles(symbol: symbol, interval: .h1, candles: batch, source: "bench")
            writeTime += clock.now - batchStart
        }
        let writeSeconds = seconds(writeTime)
        let readTo = start + Int64(min(perSymbol, 24 * 90) - 1) * hour
        let readFrom = readTo - Int64(24 * 90 - 1) * hour
        var latencies: [Double] = []
        var rows = 0
        for _ in 0..<reads {
            let readStart = clock.now
            rows = try await store.candles(symbol: "SYM0USDT", interval: .h1, from: readFrom, to: readTo, limit: nil).count
            latencies.append(seconds(clock.now - readStart) * 1_000)
        }
        latencies.sort()
        let plan = try await store.queryPlan(sql: SQLiteHistoryStore.candleRangeSQL,
                                             arguments: ["SYM0USDT", "1h", readFrom, readTo, -1])
        try await store.pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        return StoreBenchmarkResult(candles: written, batchSize: batchSize,
                                    insertRowsPerSecond: Double(written) / max(writeSeconds, 1e-9),
                                    read90dMedianMs: latencies[latencies.count / 2], read90dRows: rows,
                                    bytesPerCandle: Double(SQLiteHistoryStore.fileSize(path) - emptyBytes) / Double(max(written, 1)),
                                    readPlan: plan)
    }

    /// An amount from an integer count of 1e-8 units (`6000012345678` → `60000.12345678`).
    /// Open time of the first synthetic candle.
    static let syntheticStart: EpochMillis = 1_700_000_000_000 / Interval.h1.milliseconds * Interval.h1.milliseconds

    /// Generates the benchmark's deterministic candles — a random walk of 8-decimal prices, hourly, `symbols` markets
    /// (`SYM0USDT` …) — and hands them to `write` in batches of `batchSize`; returns how many were generated.
    static func forEachSyntheticBatch(candles: Int, symbols: Int, batchSize: Int,
                                      _ write: (String, [Candle]) async throws -> Void) async rethrows -> Int {
        let hour = Interval.h1.milliseconds
        let perSymbol = (candles + symbols - 1) / symbols
        var generator = SplitMix64(seed: 0x5EED)
        var written = 0
        for symbolIndex in 0..<symbols where written < candles {
            let symbol = "SYM\(symbolIndex)USDT"
            var price: Int64 = 6_000_000_000_000 // 60000.00000000 in 1e-8 units
            var index = 0
            while index < perSymbol, written < candles {
                let count = min(batchSize, perSymbol - index, candles - written)
                var batch: [Candle] = []
                batch.reserveCapacity(count)
                for offset in 0..<count {
                    let open = price
                    price = max(100_000_000, price + Int64(generator.next() % 20_000_000_001) - 10_000_000_000)
                    let high = max(open, price) + Int64(generator.next() % 5_000_000_000)
                    let low = min(open, price) - Int64(generator.next() % 5_000_000_000)
                    batch.append(Candle(openTime: syntheticStart + Int64(index + offset) * hour, open: amount(open),
                                        high: amount(high), low: amount(low), close: amount(price),
                                        volume: amount(Int64(generator.next() % 100_000_000_000)), closed: true))
                }
                try await write(symbol, batch)
                index += count
                written += count
            }
        }
        return written
    }

    static func amount(_ units: Int64) -> Amount {
        Amount(Decimal(sign: units < 0 ? .minus : .plus, exponent: -8, significand: Decimal(units.magnitude)))
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A small deterministic pseudo-random generator, so every benchmark run writes the same data.
struct SplitMix64: RandomNumberGenerator {
    /// Generator state.
    var state: UInt64

    /// Seeds the generator.
    init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
