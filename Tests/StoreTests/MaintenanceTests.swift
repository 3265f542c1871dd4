import Contracts
import CryptoModels
import Foundation
import Testing
@testable import Store

/// Retention, statistics, integrity and space reclamation.
@Suite struct MaintenanceTests {
    /// Fills every time-stamped table with real fixture rows; returns the loaded fixtures.
    static func populate(_ store: SQLiteHistoryStore) async throws -> (prices: [PricePoint], candles: [Candle], news: [NewsItem]) {
        let prices = try Fixtures.coingeckoPrices()
        _ = try await store.insertPrices(prices.map { Quote(symbol: "BTC", vs: "usd", price: $0.price, ts: $0.ts) }, source: "coingecko")
        let candles = try Fixtures.binanceCandles()
        _ = try await store.upsertCandles(symbol: "BTCUSDT", interval: .m1, candles: candles, source: "binance")
        var news = try Fixtures.rssItems("rss/coindesk.xml", source: "CoinDesk") + Fixtures.rssItems("rss/cointelegraph.xml", source: "Cointelegraph")
        for index in news.indices { news[index].assets = ["BTC"] }
        _ = try await store.upsertNews(news)
        _ = try await store.upsertFearGreed(try Fixtures.fearGreed())
        let market = try Fixtures.coincapMarket()
        _ = try await store.insertMarketSnapshot(MarketSnapshot(ts: 1_000, source: "coincap", vs: "usd", entries: market))
        _ = try await store.insertMarketSnapshot(MarketSnapshot(ts: 2_000, source: "coincap", vs: "usd", entries: market))
        let protocols = try Fixtures.defiProtocols()
        _ = try await store.insertDefiSnapshots(protocols, ts: 1_000)
        _ = try await store.insertDefiSnapshots(protocols, ts: 2_000)
        _ = try await store.recordAPICalls((0..<5).map {
            APICallRecord(provider: "binance", endpoint: "/api/v3/klines", status: 200, latencyMs: 50, ts: 1_000 + Int64($0) * 500)
        })
        _ = try await store.recordUserRequests((0..<5).map {
            UserRequestRecord(ts: 1_000 + Int64($0) * 500, keyID: nil, route: "/api/ohlcv", method: "GET", status: 200, latencyUs: 700, bytes: 1_024)
        })
        return (prices, candles, news)
    }

    @Test func retentionDeletesExactlyWhatIsOlder() async throws {
        try await withStore { store, _ async throws in
            let (prices, candles, news) = try await Self.populate(store)
            let sortedPrices = prices.map(\.ts).sorted()
            let newsTimes = news.map(\.publishedAt).sorted()
            let cutoffs: [HistoryTable: EpochMillis] = [
                .prices: sortedPrices[100],      // 100 older, the boundary point kept
                .ohlcv: candles[4].openTime,     // 4 older
                .news: newsTimes[3],             // 3 older
                .fearGreed: 1_788_825_600_000,   // the 2026-09-07 value
                .marketSnapshots: 2_000,
                .defiProtocols: 2_000,
                .apiCalls: 2_000,                // ts 1000, 1500 older; 2000 kept
                .userRequests: 2_001,            // 1000, 1500, 2000 older
            ]
            let deleted = try await store.deleteOlderThan(cutoffs)
            #expect(deleted == [.prices: 100, .ohlcv: 4, .news: 3, .fearGreed: 1, .marketSnapshots: 1,
                                .defiProtocols: 10, .apiCalls: 2, .userRequests: 3])

            let remainingPrices = try await store.priceHistory(symbol: "BTC", vs: "usd", from: 1_600_000_000_000,
                                                                 to: 1_700_000_000_000, maxPoints: 1_000_000_000)
            #expect(remainingPrices.first?.ts == sortedPrices[100])
            #expect(remainingPrices.count == 188)
            let remainingCandles = try await store.candles(symbol: "BTCUSDT", interval: .m1, from: 0, to: .max, limit: nil)
            #expect(remainingCandles == Array(candles.dropFirst(4)))
            let page = try await store.newsPage(NewsQuery(pageSize: 100))
            #expect(page.total == 4)
            #expect(page.items.allSatisfy { $0.publishedAt >= newsTimes[3] })
            // The side table lost exactly the deleted items' asset rows (ON DELETE CASCADE).
            let stats = try await store.stats()
            #expect(stats.tables.first { $0.table == "news_assets" }?.rows == 4)
            #expect(try await store.fearGreed(from: 0, to: .max).map(\.value) == [69])
            #expect(try await store.latestMarketSnapshots(limit: 10).map(\.ts) == [2_000])
            #expect(try await store.defiHistory(slug: "curve", from: 0, to: .max).map(\.ts) == [2_000])
            #expect(stats.tables.first { $0.table == "api_calls" }?.oldest == 2_000)
            #expect(stats.tables.first { $0.table == "user_requests" }?.oldest == 2_500)

            // Running it again deletes nothing more; tables without a cutoff are left alone.
            #expect(try await store.deleteOlderThan(cutoffs).values.allSatisfy { $0 == 0 })
            #expect(try await store.deleteOlderThan([.prices: .max]) == [.prices: 188])
            #expect(try await store.stats().tables.first { $0.table == "ohlcv" }?.rows == 6)
        }
    }

    @Test func statsIntegrityAndOptimize() async throws {
        try await withStore { store, _ async throws in
            let (_, candles, _) = try await Self.populate(store)
            _ = try await store.upsertCandles(symbol: "BTC/USDT", interval: .m1, candles: try Fixtures.krakenCandles(), source: "kraken")
            let stats = try await store.stats()
            #expect(stats.fileBytes > 0)
            #expect(stats.pageSize == 4_096)
            #expect(stats.pageCount > 10)
            #expect(stats.migrations == ["v1-history"])
            let ohlcv = try #require(stats.tables.first { $0.table == "ohlcv" })
            #expect(ohlcv == TableStats(table: "ohlcv", rows: 731, oldest: candles[0].openTime, newest: 1_762_820_220_000))
            #expect(stats.tables.first { $0.table == "prices" } == TableStats(table: "prices", rows: 288, oldest: 1_621_003_519_770, newest: 1_621_089_594_955))
            #expect(stats.tables.first { $0.table == "fear_greed" } == TableStats(table: "fear_greed", rows: 2, oldest: 1_788_739_200_000, newest: 1_788_825_600_000))
            #expect(stats.tables.first { $0.table == "providers" }?.rows == 1)

            #expect(try await store.integrityCheck() == ["ok"])

            // Free a good share of the file, then give the pages back with incremental vacuum.
            _ = try await store.deleteOlderThan(Dictionary(uniqueKeysWithValues: HistoryTable.allCases.map { ($0, EpochMillis.max) }))
            let optimized = try await store.optimize()
            #expect(optimized.freePagesBefore > 0)
            #expect(optimized.freePagesAfter == 0)
            #expect(optimized.pageCount < stats.pageCount)
            #expect(try await store.integrityCheck() == ["ok"])
            let empty = try await store.stats()
            #expect(empty.tables.filter { $0.table != "providers" }.allSatisfy { $0.rows == 0 })
            #expect(empty.tables.first { $0.table == "ohlcv" }?.oldest == nil)
        }
    }
}
