import Contracts
import CryptoModels
import Foundation
import RPC
import Testing
import TestSupport

/// The history endpoints through the whole system under supervisord, and their data across a full restart.
@Suite("history through the system", .serialized, .timeLimit(.minutes(3)))
struct StoreSystemTests {
    static let paths = ["/api/prices/history/ZZSYS?days=30", "/api/ohlcv/history/zzsys?interval=1d&days=90",
                        "/api/market/history?symbol=ZZSYS&limit=5", "/api/defi/history/zzproto?days=30"]

    /// Waits until the gateway answers and store-svc reports healthy.
    static func storeReady(_ system: SystemHarness) async -> Bool {
        await Eventually.wait(timeout: .seconds(60), interval: .milliseconds(200)) {
            await system.health()?.service("store-svc")?.status == "healthy"
        }
    }

    /// The `data` member of each history endpoint, as JSON text with sorted keys.
    static func answers(_ system: SystemHarness) async throws -> [String] {
        var answers: [String] = []
        for path in paths {
            let response = try await system.request(path)
            #expect(response.status == 200, "\(path): \(response.body)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
            let meta = try #require(object["meta"] as? [String: Any])
            #expect(meta["source"] as? String == "store")
            let data = try JSONSerialization.data(withJSONObject: try #require(object["data"]), options: [.sortedKeys])
            answers.append(String(decoding: data, as: UTF8.self))
        }
        return answers
    }

    /// The problem `type` and status of a request.
    static func problem(_ system: SystemHarness, _ path: String) async throws -> (type: String?, status: Int) {
        let response = try await system.request(path)
        #expect(response.headers.first(name: "content-type") == "application/problem+json", "\(path)")
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        return (object?["type"] as? String, response.status)
    }

    @Test("history written to store-svc is served by the gateway and survives a whole-system restart; bad input is problem+json")
    func historySurvivesRestart() async throws {
        let directory = try TemporaryDirectory(prefix: "sys")
        defer { directory.remove() }
        let data = directory.file("data")
        let now = Timestamps.nowMillis()
        let day: Int64 = 86_400_000
        var first: [String] = []
        try await SystemHarness.with(directory: directory) { system in
            #expect(await Self.storeReady(system), "\(system.directory.path)")
            let client = RPCClient.patient(StoreNode.address(data))
            defer { client.close() }
            let dayStart = Interval.d1.openTime(containing: now)
            _ = try await client.call(Contracts.Store.InsertPrices.self, .init(
                quotes: (0..<10).map { Quote(symbol: "ZZSYS", vs: "usd", price: Amount(parsing: "6543\($0).0123456789")!, ts: now - Int64($0) * day) },
                source: "coingecko"))
            _ = try await client.call(Contracts.Store.UpsertCandles.self, .init(symbol: "ZZSYS", interval: .d1, candles: (0..<5).map {
                Candle(openTime: dayStart - Int64($0) * day, open: Amount(parsing: "1.5")!, high: Amount(parsing: "2.25")!,
                       low: Amount(parsing: "1.125")!, close: Amount(parsing: "2.00000001")!, volume: Amount(parsing: "1000")!, closed: $0 > 0)
            }, source: "binance"))
            _ = try await client.call(Contracts.Store.InsertMarketSnapshot.self, .init(source: "coingecko", ts: now, vs: "usd", entries: [
                MarketEntry(id: "zzsys", symbol: "zzsys", name: "ZZ System", rank: 7, price: Amount(parsing: "65430.0123456789")!,
                            marketCap: Amount(parsing: "1234567890123.45")!)]))
            _ = try await client.call(Contracts.Store.InsertDefiSnapshots.self, .init(ts: now - day, protocols: [
                DefiProtocol(slug: "zzproto", name: "ZZ Proto", category: "Dexes", chains: ["Ethereum"],
                             tvl: Amount(parsing: "987654321.987654321")!, chainTvls: [:])]))

            first = try await Self.answers(system)
            #expect(first[0].contains("\"price\":\"65430.0123456789\""))
            #expect(first[1].contains("\"closed\":false"))
            #expect(first[2].contains("\"market_cap\":\"1234567890123.45\""))
            #expect(first[3].contains("\"tvl\":\"987654321.987654321\""))

            let bad: [(String, String, Int)] = [
                ("/api/prices/history/NOPE?days=30", "unknown-asset", 404),
                ("/api/prices/history/ZZSYS?days=-1", "invalid-parameter", 400),
                ("/api/prices/history/ZZSYS?days=100000", "invalid-parameter", 400),
                ("/api/prices/history/ZZSYS?days=ten", "invalid-parameter", 400),
                ("/api/prices/history/ZZ%24SYS", "invalid-parameter", 400),
                ("/api/ohlcv/history/ZZSYS?interval=7m", "invalid-parameter", 400),
                ("/api/ohlcv/history/ZZSYS?interval=1m&days=3650", "invalid-parameter", 400),
                ("/api/ohlcv/history/NOPE?interval=1h&days=7", "unknown-asset", 404),
                ("/api/market/history", "invalid-parameter", 400),
                ("/api/market/history?symbol=ZZSYS&limit=0", "invalid-parameter", 400),
                ("/api/market/history?symbol=ZZSYS&limit=1001", "invalid-parameter", 400),
                ("/api/market/history?symbol=NOPE", "unknown-asset", 404),
                ("/api/defi/history/nope?days=30", "unknown-protocol", 404),
                ("/api/defi/history/zzproto?days=0", "invalid-parameter", 400),
            ]
            for (path, type, status) in bad {
                let answer = try await Self.problem(system, path)
                #expect(answer.type == type && answer.status == status, "\(path) → \(answer)")
            }
            let openAPI = try await system.request("/openapi.json")
            #expect(openAPI.body.contains("/api/ohlcv/history/{symbol}"))
        }
        #expect(first.count == 4)
        // The whole system again, on the same data directory.
        try await SystemHarness.with(directory: directory) { system in
            #expect(await Self.storeReady(system))
            let second = try await Self.answers(system)
            #expect(second == first)
        }
    }
}
