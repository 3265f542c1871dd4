import ArgumentParser
import Foundation
import Store

/// The store's candle path: 1,000,000 upserts through `SQLiteHistoryStore` (rows/s, bytes per candle) and a
/// 90-day 1h read from a 10,000,000-row table (p50/p99), each next to a naive baseline measured in the same run:
/// a rowid table with a unique index on (symbol, interval, open_time), written with plain GRDB inserts (cached
/// statement, same decimal text) and read with the same decoding. Insert runs alternate store/baseline and report
/// the median; reads alternate between the two tables in blocks of ten, so load from other processes hits both.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store",
                                                    abstract: "Candle inserts and 90-day reads vs a naive rowid table.")

    @Option(help: "Candles inserted through the store (and the baseline) per run.") var candles = 1_000_000
    @Option(help: "Alternating insert runs of each layout (the median is reported).") var insertRuns = 3
    @Option(help: "Candles per write transaction.") var batchSize = 1_000
    @Option(help: "Rows of the large tables the reads run against.") var rows = 10_000_000
    @Option(help: "Reads of 90 days of 1h candles per table.") var reads = 400
    @Option(help: "Directory for the temporary databases.") var directory = FileManager.default.temporaryDirectory.path

    func run() async throws {
        let dir = (directory as NSString).appendingPathComponent("cryptodt-bench-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }

        var storeInserts: [Double] = [], naiveInserts: [Double] = []
        var storeBytes = 0.0, naiveBytes = 0.0, plan: [String] = []
        for run in 1...max(1, insertRuns) {
            log("insert run \(run): \(candles) candles through the store, then into the naive table …")
            let store = try await StoreBenchmark.run(directory: dir, candles: candles, batchSize: batchSize, symbols: 10, reads: 1)
            let naive = try await StoreBenchmark.runNaiveInsert(directory: dir, candles: candles, batchSize: batchSize, symbols: 10)
            storeInserts.append(store.insertRowsPerSecond)
            naiveInserts.append(naive.rowsPerSecond)
            storeBytes = store.bytesPerCandle
            naiveBytes = naive.bytesPerCandle
            plan = store.readPlan
        }
        log("building the \(rows)-row tables …")
        let storeTable = try await StoreBenchmark.buildScaleTable(directory: dir, rows: rows, naive: false)
        defer { storeTable.remove() }
        let naiveTable = try await StoreBenchmark.buildScaleTable(directory: dir, rows: rows, naive: true)
        defer { naiveTable.remove() }
        log("reading …")
        var storeReads: [Double] = [], naiveReads: [Double] = [], readRows = 0
        for _ in 0..<2 { _ = try await storeTable.read(); _ = try await naiveTable.read() } // warm-up
        while storeReads.count < reads {
            for _ in 0..<10 {
                let (ms, count) = try await storeTable.read()
                storeReads.append(ms)
                readRows = count
            }
            for _ in 0..<10 { naiveReads.append(try await naiveTable.read().ms) }
        }

        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        let (si, ni) = (median(storeInserts), median(naiveInserts))
        let (s50, n50) = (median(storeReads), median(naiveReads))
        let (s99, n99) = (percentile(storeReads, 0.99), percentile(naiveReads, 0.99))
        print("""
            | figure | store (WITHOUT ROWID, PK symbol+interval+open_time) | naive baseline (rowid + unique index) | store ÷ baseline |
            |---|---|---|---|
            | insert \(candles) candles, batches of \(batchSize), median of \(storeInserts.count) runs (rows/s) | \(f(si, 0)) | \(f(ni, 0)) | \(f(si / ni, 2)) |
            | bytes per stored candle (\(candles) rows) | \(f(storeBytes)) | \(f(naiveBytes)) | \(f(storeBytes / naiveBytes, 2)) |
            | read 90 d of 1h (\(readRows) rows) from \(storeTable.rows) rows, p50 (ms) | \(f(s50, 2)) | \(f(n50, 2)) | \(f(s50 / n50, 2)) |
            | same read, p99 (ms) | \(f(s99, 2)) | \(f(n99, 2)) | \(f(s99 / n99, 2)) |
            | bytes per candle at \(storeTable.rows) rows | \(f(storeTable.bytesPerCandle)) | \(f(naiveTable.bytesPerCandle)) | \(f(storeTable.bytesPerCandle / naiveTable.bytesPerCandle, 2)) |
            | time to build the \(storeTable.rows)-row table (SQL fill, s) | \(f(storeTable.fillSeconds)) | \(f(naiveTable.fillSeconds)) | |

            insert runs (rows/s): store \(storeInserts.map { f($0, 0) }.joined(separator: ", ")); baseline \(naiveInserts.map { f($0, 0) }.joined(separator: ", "))
            query plan of the store read: \(plan.joined(separator: "; "))
            """)
    }
}
