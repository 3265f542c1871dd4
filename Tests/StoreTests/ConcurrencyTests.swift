import Contracts
import CryptoModels
import Foundation
import GRDB
import Testing
@testable import Store

/// Many writers and readers through one pool at once.
@Suite struct ConcurrencyTests {
    @Test(.timeLimit(.minutes(2)))
    func concurrentWritersAndReaders() async throws {
        try await withStore { store, _ async throws in
            let kraken = try Fixtures.krakenCandles()   // 721 real 1m candles
            let quotes = try Fixtures.coincapQuotes()   // 50 real quotes
            let writers = 8, readers = 8
            try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var written = 0
                        // Each writer streams the Kraken series under its own market name, 40 candles per transaction,
                        // and interleaves price batches with its own source.
                        for start in stride(from: 0, to: kraken.count, by: 40) {
                            let batch = Array(kraken[start..<min(start + 40, kraken.count)])
                            written += try await store.upsertCandles(symbol: "XBTUSDT-\(writer)", interval: .m1,
                                                                     candles: batch, source: "kraken")
                        }
                        _ = try await store.insertPrices(quotes, source: "writer-\(writer)")
                        return written
                    }
                }
                for reader in 0..<readers {
                    group.addTask {
                        var lastSeen = 0
                        for _ in 0..<12 {
                            let series = try await store.candles(symbol: "XBTUSDT-\(reader % writers)", interval: .m1,
                                                                 from: 0, to: .max, limit: nil)
                            // A reader sees whole transactions only: a multiple of 40 candles (or the full 721),
                            // never fewer than it saw before.
                            #expect(series.count % 40 == 0 || series.count == 721)
                            #expect(series.count >= lastSeen)
                            if let first = series.first { #expect(first == kraken[0]) }
                            lastSeen = series.count
                            _ = try await store.priceHistory(symbol: "BTC", vs: "usd", from: 0, to: 2_000_000_000_000, maxPoints: 10)
                        }
                        return 0
                    }
                }
                var total = 0
                for try await count in group { total += count }
                #expect(total == writers * 721)
            }
            let stats = try await store.stats()
            #expect(stats.tables.first { $0.table == "ohlcv" }?.rows == Int64(writers * 721))
            #expect(stats.tables.first { $0.table == "prices" }?.rows == Int64(writers * 50))
            #expect(try await store.integrityCheck() == ["ok"])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func writesWaitForALockHeldByAnotherConnection() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("history.sqlite")
        let patient = try SQLiteHistoryStore(path: path, busyTimeout: 5)
        defer { try? patient.close() }
        let impatient = try SQLiteHistoryStore(path: path, busyTimeout: 0.05)
        defer { try? impatient.close() }
        // Another connection (as another process would) holds the write lock for a second.
        let other = try DatabaseQueue(path: path)
        defer { try? other.close() }
        let quotes = try Fixtures.coincapQuotes()
        let (locked, lockedContinuation) = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await other.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    lockedContinuation.yield()
                    Thread.sleep(forTimeInterval: 1)
                    try db.execute(sql: "COMMIT")
                }
            }
            group.addTask { () async throws in
                for await _ in locked { break }
                // 50 ms of patience is not enough: SQLITE_BUSY surfaces as an error, nothing is half-written.
                await #expect(throws: DatabaseError.self) { try await impatient.insertPrices(quotes, source: "coincap") }
                // 5 s is: the write waits for the lock, then lands whole.
                #expect(try await patient.insertPrices(quotes, source: "coincap") == 50)
            }
            try await group.waitForAll()
        }
        #expect(try await impatient.stats().tables.first { $0.table == "prices" }?.rows == 50)
    }
}
