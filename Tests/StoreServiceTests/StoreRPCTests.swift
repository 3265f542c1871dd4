import Contracts
import CryptoModels
import Foundation
import RPC
import Store
import Testing
import TestSupport

/// store-svc's RPC methods, called over a real socket against a real SQLite file.
@Suite("store-svc RPC", .timeLimit(.minutes(1)))
struct StoreRPCTests {
    typealias F = StoreRPCFixture

    @Test("prices: written, read back downsampled, unknown symbols and bad ranges are problems")
    func prices() async throws {
        try await F.with { f in
            let base = F.now - 10 * F.day
            // 240 hourly observations over 10 days.
            let quotes = (0..<240).map { F.quote("ZZT", "\(100 + $0).5", at: base + Int64($0) * 3_600_000) }
            let written = try await f.client.call(API.InsertPrices.self, .init(quotes: quotes, source: "coingecko"))
            #expect(written.changed == 240)
            let again = try await f.client.call(API.InsertPrices.self, .init(quotes: quotes, source: "coingecko"))
            #expect(again.changed == 0)

            let all = try await f.client.call(API.PriceHistory.self, .init(symbol: "zzt", from: base, to: F.now, maxPoints: 1_000))
            #expect(all.symbol == "ZZT")
            #expect(all.points.count == 240)
            #expect(all.points.first == PricePoint(ts: base, price: Amount(parsing: "100.5")!))
            #expect(all.points.last?.price.description == "339.5")

            let sampled = try await f.client.call(API.PriceHistory.self, .init(symbol: "ZZT", from: base, to: F.now, maxPoints: 10))
            #expect(sampled.points.count == 10)
            #expect(sampled.points.map(\.ts) == sampled.points.map(\.ts).sorted())
            // Each bucket keeps its last observation; the last bucket ends with the newest one.
            #expect(sampled.points.last?.price.description == "339.5")

            // A known symbol with nothing in the window is an empty answer, not an error.
            let empty = try await f.client.call(API.PriceHistory.self, .init(symbol: "ZZT", from: 0, to: 1_000, maxPoints: 10))
            #expect(empty.points.isEmpty)

            let unknown = await F.problemType {
                _ = try await f.client.call(API.PriceHistory.self, .init(symbol: "NOPE", from: base, to: F.now))
            }
            #expect(unknown == "unknown-asset")
            let reversed = await F.problemType {
                _ = try await f.client.call(API.PriceHistory.self, .init(symbol: "ZZT", from: F.now, to: base))
            }
            #expect(reversed == "invalid-parameter")
            let tooMany = await F.problemType {
                _ = try await f.client.call(API.PriceHistory.self, .init(symbol: "ZZT", from: base, to: F.now, maxPoints: 0))
            }
            #expect(tooMany == "invalid-parameter")
        }
    }

    @Test("candles: upserted, ranges and limits, open never overwrites closed")
    func candles() async throws {
        try await F.with { f in
            let hour = Interval.h1.milliseconds
            let start = Interval.h1.openTime(containing: F.now - 100 * hour)
            let candles = (0..<100).map { F.candle(start + Int64($0) * hour, 60_000 + $0) }
            let written = try await f.client.call(API.UpsertCandles.self,
                                                  .init(symbol: "ZZTUSDT", interval: .h1, candles: candles, source: "binance"))
            #expect(written.changed == 100)
            var open = candles[5]
            open.closed = false
            open.close = Amount(parsing: "1")!
            let ignored = try await f.client.call(API.UpsertCandles.self,
                                                  .init(symbol: "ZZTUSDT", interval: .h1, candles: [open], source: "binance"))
            #expect(ignored.changed == 0)

            let range = try await f.client.call(API.CandleRange.self,
                                                .init(symbol: "ZZTUSDT", interval: .h1, from: start + 10 * hour, to: start + 19 * hour))
            #expect(range.candles == Array(candles[10...19]))
            let newest = try await f.client.call(API.CandleRange.self,
                                                 .init(symbol: "ZZTUSDT", interval: .h1, from: start, to: F.now, limit: 3))
            #expect(newest.candles == Array(candles[97...99]))
            let otherInterval = try await f.client.call(API.CandleRange.self,
                                                        .init(symbol: "ZZTUSDT", interval: .d1, from: start, to: F.now))
            #expect(otherInterval.candles.isEmpty)
            let unknown = await F.problemType {
                _ = try await f.client.call(API.CandleRange.self, .init(symbol: "NOPEUSDT", interval: .h1, from: start, to: F.now))
            }
            #expect(unknown == "unknown-asset")
            let huge = await F.problemType {
                _ = try await f.client.call(API.CandleRange.self, .init(symbol: "ZZTUSDT", interval: .m1, from: 0, to: F.now))
            }
            #expect(huge == "invalid-parameter")
        }
    }

    @Test("market listings: one asset's rows, newest first; DeFi history; Fear & Greed")
    func marketDefiFearGreed() async throws {
        try await F.with { f in
            for index in 0..<3 {
                let ts = F.now - Int64(3 - index) * 60_000
                let entries = [
                    MarketEntry(id: "zzcoin", symbol: "zzc", name: "ZZ Coin", rank: 1, price: Amount(parsing: "10\(index).25")!),
                    MarketEntry(id: "other", symbol: "OTH", name: "Other", rank: 2, price: Amount(parsing: "1")!),
                ]
                let written = try await f.client.call(API.InsertMarketSnapshot.self,
                                                      .init(source: "coingecko", ts: ts, vs: "usd", entries: entries))
                #expect(written.changed == 1)
            }
            let history = try await f.client.call(API.MarketHistory.self, .init(symbol: "ZZC", limit: 2))
            #expect(history.points.map(\.entry.price.description) == ["102.25", "101.25"])
            #expect(history.points.map(\.ts) == [F.now - 60_000, F.now - 120_000])
            let unknownMarket = await F.problemType { _ = try await f.client.call(API.MarketHistory.self, .init(symbol: "NOPE", limit: 2)) }
            #expect(unknownMarket == "unknown-asset")
            let badLimit = await F.problemType { _ = try await f.client.call(API.MarketHistory.self, .init(symbol: "ZZC", limit: 0)) }
            #expect(badLimit == "invalid-parameter")

            let aave = DefiProtocol(slug: "aave", name: "Aave", category: "Lending", chains: ["Ethereum"],
                                    tvl: Amount(parsing: "123456789.12")!, chainTvls: ["Ethereum": Amount(parsing: "123456789.12")!])
            _ = try await f.client.call(API.InsertDefiSnapshots.self, .init(ts: F.now - F.day, protocols: [aave]))
            var later = aave
            later.tvl = Amount(parsing: "130000000.5")!
            _ = try await f.client.call(API.InsertDefiSnapshots.self, .init(ts: F.now, protocols: [later]))
            let defi = try await f.client.call(API.DefiHistory.self, .init(slug: "AAVE", from: F.now - 2 * F.day, to: F.now))
            #expect(defi.points == [TvlPoint(ts: F.now - F.day, tvl: aave.tvl), TvlPoint(ts: F.now, tvl: later.tvl)])
            let unknownProtocol = await F.problemType {
                _ = try await f.client.call(API.DefiHistory.self, .init(slug: "nope", from: 0, to: F.now))
            }
            #expect(unknownProtocol == "unknown-protocol")

            let entries = [FearGreedEntry(value: 25, classification: "Extreme Fear", ts: F.now - F.day),
                           FearGreedEntry(value: 60, classification: "Greed", ts: F.now)]
            _ = try await f.client.call(API.UpsertFearGreed.self, .init(entries: entries))
            let fearGreed = try await f.client.call(API.FearGreedHistory.self, .init(from: 0, to: F.now))
            #expect(fearGreed.entries.map(\.value) == [25, 60])
        }
    }

    @Test("news with sentiment, provider calls, gateway requests and API keys")
    func newsTelemetryKeys() async throws {
        try await F.with { f in
            let items = (0..<3).map { index in
                NewsItem(id: "n\(index)", guid: "g\(index)", url: "https://news.example/a\(index)?utm_source=x", title: "Title \(index)",
                         summary: nil, source: "CoinDesk", publishedAt: F.now - Int64(index) * 60_000, assets: ["BTC"], sentiment: nil)
            }
            let upserted = try await f.client.call(API.UpsertNews.self, .init(items: items))
            #expect(upserted.newIDs == ["n0", "n1", "n2"])
            let pending = try await f.client.call(API.NewsNeedingSentiment.self, .init(limit: 10))
            #expect(pending.items.map(\.id) == ["n0", "n1", "n2"])
            let sentiment = SentimentScore(label: "positive", score: 0.91, probabilities: ["positive": 0.91, "neutral": 0.05, "negative": 0.04],
                                           model: "finbert-mini", modelVersion: "1")
            let set = try await f.client.call(API.SetNewsSentiment.self, .init(id: "n1", sentiment: sentiment))
            #expect(set.updated)
            let missing = try await f.client.call(API.SetNewsSentiment.self, .init(id: "zz", sentiment: sentiment))
            #expect(!missing.updated)
            let positive = try await f.client.call(API.NewsPageQuery.self, .init(sentiment: "positive"))
            #expect(positive.items.map(\.id) == ["n1"])
            #expect(positive.items.first?.sentiment?.label == "positive")
            let page = try await f.client.call(API.NewsPageQuery.self, .init(page: 1, pageSize: 2, asset: "btc"))
            #expect(page.total == 3)
            #expect(page.items.map(\.id) == ["n0", "n1"])

            let calls = [APICallRecord(provider: "binance", endpoint: "/api/v3/klines", status: 200, latencyMs: 40, ts: F.now),
                         APICallRecord(provider: "binance", endpoint: "/api/v3/klines", status: 429, latencyMs: 5, ts: F.now + 1)]
            _ = try await f.client.call(API.RecordAPICalls.self, .init(calls: calls))
            let providers = try await f.client.call(API.ProviderStatuses.self, NoParams())
            #expect(providers.providers.first?.okCount == 1)
            #expect(providers.providers.first?.lastError == "HTTP 429")
            _ = try await f.client.call(API.RecordUserRequests.self, .init(requests: [
                UserRequestRecord(ts: F.now, keyID: "k1", route: "/api/ohlcv", method: "GET", status: 200, latencyUs: 900, bytes: 1_200),
            ]))
            let count = try await f.client.call(API.UserRequestCount.self, .init(keyID: "k1", since: F.now - 1))
            #expect(count.count == 1)

            let key = APIKeyRecord(id: "k1", prefix: "cdt_abc", hash: "sha256:00ff", tier: "pro", scopes: ["market:read"], createdAt: F.now)
            _ = try await f.client.call(API.CreateKey.self, .init(key: key))
            let duplicate = await F.problemType { _ = try await f.client.call(API.CreateKey.self, .init(key: key)) }
            #expect(duplicate == "duplicate")
            let found = try await f.client.call(API.FindKey.self, .init(prefix: "cdt_abc"))
            #expect(found.key == key)
            let touched = try await f.client.call(API.TouchKey.self, .init(id: "k1", at: F.now + 5))
            #expect(touched.updated)
            let revoked = try await f.client.call(API.RevokeKey.self, .init(id: "k1", at: F.now + 10))
            #expect(revoked.updated)
            let active = try await f.client.call(API.ListKeys.self, .init())
            #expect(active.keys.isEmpty)
            let all = try await f.client.call(API.ListKeys.self, .init(includeRevoked: true))
            #expect(all.keys.first?.revokedAt == F.now + 10)
            #expect(all.keys.first?.lastUsedAt == F.now + 5)
        }
    }
}
