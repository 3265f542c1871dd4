import Contracts
import CryptoModels
import Foundation
import RPC
import Testing
import TestSupport

/// The collector keeps the watchlist warm and publishes `market.prices` and `market.candle`.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct MarketCollectorTests {
    @Test("watchlist prices and candles are polled, published, and answer later requests from cache")
    func publishesAndWarms() async throws {
        let env = ["MARKET_COLLECTOR_ENABLED": "true", "MARKET_WATCHLIST": "BTC", "MARKET_COLLECT_INTERVAL": "0.3",
                   "MARKET_CANDLE_MARKETS": "BTCUSDT", "MARKET_CANDLE_POLL_INTERVAL": "0.3"]
        try await MarketStack.with(env) { stack in
            let client = RPCClient.patient(.unix(path: stack.directory.file("run/market.sock")))
            defer { client.close() }
            let (prices, candle) = await withTaskGroup(of: (Market.PricesTopic.Payload?, Market.CandleTopic.Payload?).self) { group in
                group.addTask {
                    var prices: Market.PricesTopic.Payload?
                    var candle: Market.CandleTopic.Payload?
                    for await event in client.subscribe(topics: ["market.*"]) {
                        guard case .notification(let note) = event else { continue }
                        if let payload = try? note.decode(topic: Market.PricesTopic.self) { prices = payload }
                        if let payload = try? note.decode(topic: Market.CandleTopic.self) { candle = payload }
                        if prices != nil && candle != nil { break }
                    }
                    return (prices, candle)
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(10))
                    return (nil, nil)
                }
                let first = await group.next()!
                group.cancelAll()
                return first
            }
            let quote = try #require(prices?.quotes.first)
            #expect(quote.symbol == "BTC")
            #expect(quote.price.description == "67187.3358936566")
            #expect(prices?.meta.source == "coingecko")
            let last = try #require(candle)
            #expect(last.symbol == "BTCUSDT")
            #expect(last.interval == .m1)
            #expect(last.source == "binance")

            let warm = try await stack.json("/api/prices?symbols=BTC")
            #expect((warm.object["meta"] as? [String: Any])?["cached"] as? Bool == true)
        }
    }
}
