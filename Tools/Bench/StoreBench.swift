import ArgumentParser
import Foundation
import Store

/// The store's candle path: 1,000,000 upserts through `SQLiteHistoryStore` (rows/s, bytes per candle) and a
/// 90-day 1h read from a 10,000,000-row table (p50/p99), each next to a naive baseline measured in the same run:
/// a rowid table with a unique index on (symbol, interval, open_time), written with plain GRDB inserts.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store",
                                                    abstract: "Candle inserts and 90-day reads vs a naive rowid table.")

    @Option(help: "Candles inserted through the store (and the baseline).") var candles = 1_000_000
    @Option(help: "Candles per write transaction.") var batchSize = 1_000
    @Option(help: "Rows of the large table the read runs against.") var rows = 10_000_000
    @Option(help: "Reads of 90 days of 1h candles.") var reads = 200
    @Option(help: "Directory for the temporary databases.") var directory = FileManager.default.temporaryDirectory.path

    func run() async throws {
        let dir = (directory as NSString).appendingPathComponent("cryptodt-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

        log("inserting \(candles) candles through the store …")
        let store = try await StoreBenchmark.run(directory: dir, candles: candles, batchSize: batchSize, symbols: 10, reads: 50)
        log("inserting \(candles) candles into the naive table …")
        let naive = try await StoreBenchmark.runNaiveInsert(directory: dir, candles: candles, batchSize: batchSize, symbols: 10)
        log("building a \(rows)-row store table and reading …")
        let scale = try await StoreBenchmark.runScaleRead(directory: dir, rows: rows, reads: reads, naive: false)
        log("building a \(rows)-row naive table and reading …")
        let naiveScale = try await StoreBenchmark.runScaleRead(directory: dir, rows: rows, reads: reads, naive: true)

        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        print("""
            | figure | store (WITHOUT ROWID, PK symbol+interval+open_time) | naive baseline (rowid + unique index) | ratio |
            |---|---|---|---|
            | insert \(candles) candles, batches of \(batchSize) (rows/s) | \(f(store.insertRowsPerSecond, 0)) | \(f(naive.rowsPerSecond, 0)) | \(f(store.insertRowsPerSecond / naive.rowsPerSecond, 2))× |
            | bytes per stored candle (\(candles) rows) | \(f(store.bytesPerCandle)) | \(f(naive.bytesPerCandle)) | \(f(store.bytesPerCandle / naive.bytesPerCandle, 2))× |
            | read 90 d of 1h (\(scale.readRows) rows) from \(scale.rows) rows, p50 (ms) | \(f(scale.p50Ms, 2)) | \(f(naiveScale.p50Ms, 2)) | \(f(scale.p50Ms / naiveScale.p50Ms, 2))× |
            | same read, p99 (ms) | \(f(scale.p99Ms, 2)) | \(f(naiveScale.p99Ms, 2)) | \(f(scale.p99Ms / naiveScale.p99Ms, 2))× |
            | bytes per candle at \(scale.rows) rows | \(f(scale.bytesPerCandle)) | \(f(naiveScale.bytesPerCandle)) | \(f(scale.bytesPerCandle / naiveScale.bytesPerCandle, 2))× |
            | time to build the \(scale.rows)-row table (SQL fill, s) | \(f(scale.fillSeconds)) | \(f(naiveScale.fillSeconds)) | |

            query plan of the store read: \(store.readPlan.joined(separator: "; "))
            """)
    }
}
