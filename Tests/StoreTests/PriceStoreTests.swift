import Contracts
import CryptoModels
import Foundation
import GRDB
import Testing
@testable import Store

/// Prices: exact decimal storage, idempotent inserts, downsampled history.
@Suite struct PriceStoreTests {
    @Test func coincapQuotesRoundTripExactly() async throws {
        try await withStore { store, _ async throws in
            let quotes = try Fixtures.coincapQuotes()
            #expect(quotes.count == 50)
            #expect(try await store.insertPrices(quotes, source: "coincap") == 50)
            // Same natural key (symbol, vs, ts, source): nothing new.
            #expect(try await store.insertPrices(quotes, source: "coincap") == 0)
            // Another source is a different observation.
            #expect(try await store.insertPrices(Array(quotes.prefix(2)), source: "coingecko") == 2)

            let btc = try await store.priceHistory(symbol: "BTC", vs: "usd", from: 1_581_338_401_968,
                                                   to: 1_581_338_401_968, maxPoints: 10)
            #expect(btc.count == 1)
            #expect(btc.first?.price.description == "9811.9724285486045699")
            #expect(btc.first?.ts == 1_581_338_401_968)

            // Stored as TEXT, digit for digit, never REAL.
            let row = try await store.pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT price, typeof(price) AS t, market_cap, volume_24h, change_24h_pct FROM prices
                    WHERE symbol = 'BTC' AND source = 'coincap'
                    """).map { row -> [String?] in
                    [row["t"], row["price"], row["market_cap"], row["volume_24h"], (row["change_24h_pct"] as Double?).map { "\($0)" }]
                }
            }
            // Stored digit for digit; "8341933557.4744086668506270" keeps its value without the trailing zero.
            #expect(row == ["text", "9811.9724285486045699", "178675154470.2963769406768488",
                            "8341933557.474408666850627", "\(Double("-3.1962983264865864") ?? 0)"])

            let eth = try await store.priceHistory(symbol: "ETH", vs: "usd", from: 0, to: Int64.max - 1, maxPoints: 5)
            #expect(eth.map(\.price.description) == ["218.9555538128251229"])
            #expect(try await store.knownSymbols().contains("BTC"))
            #expect(try await store.knownSymbols().count == 50)
        }
    }

    /// The expected downsampling, computed in Swift: same buckets, last observation per bucket.
    static func expectedDownsample(_ points: [PricePoint], from: Int64, to: Int64, maxPoints: Int) -> [PricePoint] {
        let width = (to - from) / Int64(maxPoints) + 1
        var last: [Int64: PricePoint] = [:]
        for point in points where point.ts >= from && point.ts <= to {
            let bucket = (point.ts - from) / width
            if let current = last[bucket], current.ts > point.ts { continue }
            last[bucket] = point
        }
        return last.keys.sorted().compactMap { last[$0] }
    }

    @Test(arguments: [1, 7, 24, 100, 287, 288, 1_000, 100_000])
    func downsamplingKeepsAtMostNPointsCoveringTheRange(maxPoints: Int) async throws {
        try await withStore { store, _ async throws in
            let captured = try Fixtures.coingeckoPrices()
            #expect(captured.count == 288)
            // CoinGecko's final point (…594000) is stamped 955 ms before the one preceding it (…594955).
            #expect(captured.suffix(2).map(\.ts) == [1_621_089_594_955, 1_621_089_594_000])
            let points = captured.sorted { $0.ts < $1.ts }
            let quotes = captured.map { Quote(symbol: "BTC", vs: "usd", price: $0.price, ts: $0.ts) }
            #expect(try await store.insertPrices(quotes, source: "coingecko") == 288)

            let from = points[0].ts, to = points[287].ts
            let result = try await store.priceHistory(symbol: "BTC", vs: "usd", from: from, to: to, maxPoints: maxPoints)
            #expect(result.count <= maxPoints)
            #expect(result == Self.expectedDownsample(points, from: from, to: to, maxPoints: maxPoints))
            // The newest observation is always kept, and results stay ascending.
            #expect(result.last == points.last)
            #expect(result.map(\.ts) == result.map(\.ts).sorted())
            if maxPoints >= 100_000 { // buckets of 861 ms separate even the two points 955 ms apart
                #expect(result == points) // nothing to drop: every exact price comes back
                #expect(result.last?.price.description == "49078.83040364477")
                #expect(result.first?.price.description == "50675.258073370765")
            } else {
                // Buckets cover the whole range: the first point lies in the first bucket.
                let width = (to - from) / Int64(maxPoints) + 1
                #expect(try #require(result.first).ts < from + width)
            }
        }
    }

    @Test func priceHistoryRejectsBadArguments() async throws {
        try await withStore { store, _ async throws in
            await #expect(throws: StoreError.self) { try await store.priceHistory(symbol: "BTC", vs: "usd", from: 10, to: 5, maxPoints: 3) }
            await #expect(throws: StoreError.self) { try await store.priceHistory(symbol: "BTC", vs: "usd", from: 0, to: 5, maxPoints: 0) }
            await #expect(throws: StoreError.self) { try await store.priceHistory(symbol: " ", vs: "usd", from: 0, to: 5, maxPoints: 3) }
            await #expect(throws: StoreError.self) {
                try await store.priceHistory(symbol: "BTC", vs: "usd", from: .min, to: .max, maxPoints: 3)
            }
            // An unknown symbol is "no data", not an error; knownSymbols tells the two apart.
            let unknown = try await store.priceHistory(symbol: "NOPE", vs: "usd", from: 0, to: 5, maxPoints: 3)
            #expect(unknown.isEmpty)
            let known = try await store.knownSymbols()
            #expect(known.isEmpty)
        }
    }

    @Test func marketSnapshotRoundTrip() async throws {
        try await withStore { store, _ async throws in
            let entries = try Fixtures.coincapMarket()
            let first = MarketSnapshot(ts: 1_581_338_401_968, source: "coincap", vs: "usd", entries: entries)
            let second = MarketSnapshot(ts: 1_581_338_461_968, source: "coincap", vs: "usd", entries: Array(entries.prefix(3)))
            #expect(try await store.insertMarketSnapshot(first) == 1)
            #expect(try await store.insertMarketSnapshot(first) == 0)
            #expect(try await store.insertMarketSnapshot(second) == 1)
            let latest = try await store.latestMarketSnapshots(limit: 5)
            #expect(latest == [second, first])
            #expect(latest[1].entries[0].price.description == "9811.9724285486045699")
            #expect(latest[1].entries[0].circulatingSupply?.description == "18209912")
            #expect(try await store.latestMarketSnapshots(limit: 1) == [second])
        }
    }
}
