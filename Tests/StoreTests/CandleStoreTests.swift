import Contracts
import CryptoModels
import Foundation
import GRDB
import Testing
@testable import Store

/// Candles: UPSERT semantics, range reads, the query plan.
@Suite struct CandleStoreTests {
    @Test func binanceCandlesUpsertIdempotently() async throws {
        try await withStore { store, _ async throws in
            let candles = try Fixtures.binanceCandles()
            #expect(candles.count == 10)
            #expect(try await store.upsertCandles(symbol: "BTCUSDT", interval: .m1, candles: candles, source: "binance") == 10)
            // Re-sending identical candles changes nothing.
            #expect(try await store.upsertCandles(symbol: "BTCUSDT", interval: .m1, candles: candles, source: "binance") == 0)

            let all = try await store.candles(symbol: "BTCUSDT", interval: .m1, from: 1_634_943_780_000,
                                              to: 1_634_943_780_000 + 9 * 60_000, limit: nil)
            #expect(all == candles)
            #expect(all[0].open.description == "60685.22")   // "60685.22000000": same value, canonical text
            #expect(all[0].volume?.description == "21.63272")
            #expect(all[1].close.description == "60771.81")

            // limit keeps the newest candles of the range, still ascending.
            let lastThree = try await store.candles(symbol: "BTCUSDT", interval: .m1, from: 0, to: .max, limit: 3)
            #expect(lastThree == Array(candles.suffix(3)))
            // Range bounds are inclusive.
            let middle = try await store.candles(symbol: "BTCUSDT", interval: .m1, from: 1_634_943_840_000,
                                                 to: 1_634_943_900_000, limit: nil)
            #expect(middle.map(\.openTime) == [1_634_943_840_000, 1_634_943_900_000])
            // Another interval of the same market is a different series.
            #expect(try await store.candles(symbol: "BTCUSDT", interval: .h1, from: 0, to: .max, limit: nil).isEmpty)
            #expect(try await store.knownSymbols() == ["BTCUSDT"])
        }
    }

    @Test func closedCandleReplacesOpenOneButNotTheReverse() async throws {
        try await withStore { store, _ async throws in
            let kraken = try Fixtures.krakenCandles()
            #expect(kraken.count == 721)
            let openCandle = try #require(kraken.last)
            #expect(openCandle.closed == false)
            #expect(try await store.upsertCandles(symbol: "BTC/USDT", interval: .m1, candles: kraken, source: "kraken") == 721)

            // The same minute, now closed, with a later close and more volume.
            var closed = openCandle
            closed.closed = true
            closed.close = try Fixtures.amount("106120.4")
            closed.high = try Fixtures.amount("106131.9")
            closed.volume = try Fixtures.amount("1.52643210")
            #expect(try await store.upsertCandles(symbol: "BTC/USDT", interval: .m1, candles: [closed], source: "kraken") == 1)
            let stored = try await store.candles(symbol: "BTC/USDT", interval: .m1, from: openCandle.openTime,
                                                 to: openCandle.openTime, limit: nil)
            #expect(stored == [closed])

            // A late copy of the open candle must not overwrite the closed one.
            #expect(try await store.upsertCandles(symbol: "BTC/USDT", interval: .m1, candles: [openCandle], source: "kraken") == 0)
            let after = try await store.candles(symbol: "BTC/USDT", interval: .m1, from: openCandle.openTime,
                                                to: openCandle.openTime, limit: nil)
            #expect(after == [closed])
            #expect(after.first?.volume?.description == "1.5264321")

            // The whole series reads back in order, first candle exact.
            let all = try await store.candles(symbol: "BTC/USDT", interval: .m1, from: 0, to: .max, limit: nil)
            #expect(all.count == 721)
            #expect(all.first?.openTime == 1_762_777_020_000)
            #expect(all.first?.close.description == "106038.2")
            #expect(Array(all.dropLast()) == Array(kraken.dropLast()))
        }
    }

    @Test func rangeReadUsesThePrimaryKey() async throws {
        try await withStore { store, _ async throws in
            _ = try await store.upsertCandles(symbol: "BTCUSDT", interval: .m1, candles: try Fixtures.binanceCandles(),
                                              source: "binance")
            let plan = try await store.queryPlan(sql: SQLiteHistoryStore.candleRangeSQL,
                                                 arguments: ["BTCUSDT", "1m", 0, 1_700_000_000_000, 100])
            let joined = plan.joined(separator: " | ")
            #expect(joined.contains("SEARCH ohlcv USING PRIMARY KEY (symbol=? AND interval=? AND open_time>? AND open_time<?)"),
                    "plan: \(joined)")
            #expect(!joined.contains("TEMP B-TREE"), "plan: \(joined)")
            #expect(!joined.contains("SCAN"), "plan: \(joined)")

            let pricePlan = try await store.queryPlan(sql: SQLiteHistoryStore.priceHistorySQL,
                                                      arguments: ["BTC", "usd", 0, 1_000, 0, 10]).joined(separator: " | ")
            #expect(pricePlan.contains("SEARCH prices USING PRIMARY KEY (symbol=? AND vs=? AND ts>? AND ts<?)"),
                    "plan: \(pricePlan)")
        }
    }

    @Test func candleArgumentsAreValidated() async throws {
        try await withStore { store, _ async throws in
            await #expect(throws: StoreError.self) {
                try await store.candles(symbol: "BTCUSDT", interval: .m1, from: 5, to: 1, limit: nil)
            }
            await #expect(throws: StoreError.self) {
                try await store.candles(symbol: "BTCUSDT", interval: .m1, from: 0, to: 1, limit: 0)
            }
            await #expect(throws: StoreError.self) {
                try await store.upsertCandles(symbol: "", interval: .m1, candles: try Fixtures.binanceCandles(), source: "binance")
            }
        }
    }

    @Test func benchmarkHelperRunsAndReportsThePlan() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await StoreBenchmark.run(directory: directory.url.path, candles: 2_200, batchSize: 500,
                                                  symbols: 1, reads: 2)
        #expect(result.candles == 2_200)
        #expect(result.read90dRows == 2_160) // 90 days × 24 h
        #expect(result.insertRowsPerSecond > 0)
        #expect(result.bytesPerCandle > 60 && result.bytesPerCandle < 160, "bytes per candle: \(result.bytesPerCandle)")
        #expect(result.readPlan.contains { $0.contains("USING PRIMARY KEY") })
        // The benchmark cleans up its database.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).isEmpty)
    }
}
