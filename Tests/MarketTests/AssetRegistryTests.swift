import CryptoModels
@testable import Market
import ProviderWire
import RPC
import Testing

@Suite("AssetRegistry")
struct AssetRegistryTests {
    let registry = AssetRegistry()

    @Test("tickers, CoinGecko ids and market symbols resolve to the seeded asset", arguments: [
        ("BTC", "BTC", nil), ("btc", "BTC", nil), ("bitcoin", "BTC", nil), ("BTCUSDT", "BTC", "USDT"), ("BTC-USD", "BTC", "USD"),
        ("eth/btc", "ETH", "BTC"), ("ETHEUR", "ETH", "EUR"), ("avalanche-2", "AVAX", nil),
    ] as [(String, String, String?)])
    func resolves(input: String, symbol: String, quote: String?) throws {
        let resolved = try registry.resolve(input)
        #expect(resolved.asset.symbol == symbol)
        #expect(resolved.quote == quote)
    }

    @Test("seeded assets carry every provider's id (BTC ↔ bitcoin ↔ XBT ↔ BTCUSDT)")
    func providerIDs() throws {
        let btc = try registry.resolve("BTC").asset
        #expect(btc.coingeckoId == "bitcoin")
        #expect(btc.krakenBase == "XBT")
        #expect(btc.binanceBase == "BTC")
        #expect(btc.coincapId == "bitcoin")
        #expect(btc.cryptocompareSymbol == "BTC")
        #expect(AssetSeed.assets.count >= 50)
        #expect(Set(AssetSeed.assets.map(\.symbol)).count == AssetSeed.assets.count)
    }

    @Test("unknown → 404 unknown-asset; a ticker shared by listed coins → 400 ambiguous-symbol with candidates")
    func problems() throws {
        #expect(throws: RPCError.self) { try registry.resolve("NOPE") }
        do {
            _ = try registry.resolve("NOPE")
        } catch {
            #expect(error.data?.type == "unknown-asset")
            #expect(error.data?.status == 404)
        }
        registry.refresh(coinList: [
            CoinListing(id: "coin-a", symbol: "coin", name: "Coin A"), CoinListing(id: "coin-b", symbol: "coin", name: "Coin B"),
            CoinListing(id: "solo", symbol: "solo", name: "Solo"), CoinListing(id: "fake-btc", symbol: "btc", name: "Not Bitcoin"),
        ])
        do {
            _ = try registry.resolve("COIN")
            Issue.record("expected ambiguous")
        } catch {
            #expect(error.data?.type == "ambiguous-symbol")
            #expect(error.data?.status == 400)
            guard case .array(let candidates)? = error.data?.extensions["candidates"] else { Issue.record("no candidates"); return }
            #expect(candidates.count == 2)
            #expect(candidates.first == .object(["id": "coin-a", "symbol": "COIN", "name": "Coin A"]))
        }
        #expect(try registry.resolve("SOLO").asset.coingeckoId == "solo")
        #expect(try registry.resolve("coin-b").asset.name == "Coin B")
        #expect(try registry.resolve("BTC").asset.coingeckoId == "bitcoin", "the seed wins over look-alike tokens")
    }
}

@Suite("CandleWindow")
struct CandleWindowTests {
    static let candles = (0..<10).map { index in
        Candle(openTime: Int64(index) * 60_000, open: 1, high: 1, low: 1, close: 1, volume: nil, closed: true)
    }

    @Test("no range: the most recent; start only: the first after start; a range: the most recent inside it")
    func clip() {
        #expect(CandleWindow.clip(Self.candles, limit: 3, start: nil, end: nil).map(\.openTime) == [420_000, 480_000, 540_000])
        #expect(CandleWindow.clip(Self.candles, limit: 2, start: 120_000, end: nil).map(\.openTime) == [120_000, 180_000])
        #expect(CandleWindow.clip(Self.candles, limit: 2, start: 60_000, end: 300_000).map(\.openTime) == [240_000, 300_000])
    }
}
