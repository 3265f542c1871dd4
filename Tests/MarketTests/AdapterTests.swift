import Contracts
import CryptoModels
import Foundation
import Logging
@testable import Market
import ProviderKit
import ReplayUpstream
import ServiceKit
import TestSupport
import Testing

/// The provider adapters against the in-process replay upstream serving the real captures.
@Suite("Provider adapters")
struct AdapterTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Runs `body` with an engine whose providers point at a replay server.
    static func withEngine(_ extra: [String: String] = [:], _ body: (MarketEngine, ReplayServer) async throws -> Void) async throws {
        let server = try ReplayServer(configuration: .init(fixturesDirectory: fixtures,
                                                           routesFile: fixtures.appendingPathComponent("replay/routes.json")))
        try await server.withRunning { address in
            let r = "http://127.0.0.1:\(address.port)"
            var env = ["COINGECKO_BASE_URL": "\(r)/coingecko/api/v3", "BINANCE_BASE_URL": "\(r)/binance", "KRAKEN_BASE_URL": "\(r)/kraken",
                       "COINCAP_BASE_URL": "\(r)/coincap/v3", "CRYPTOCOMPARE_BASE_URL": "\(r)/cryptocompare",
                       // These tests check parsing and mapping, not timeouts (FaultTests do): a generous deadline keeps
                       // a busy start of the parallel suite from turning a slow local answer into a failure.
                       "PROVIDER_TIMEOUT": "30"]
            env.merge(extra) { $1 }
            let settings = Settings(environment: env)
            try await PatientProviderHTTP.with { http in
                let endpoints = ProviderSettings.endpoints(settings).map { ProviderEndpoint(configuration: $0, http: http) }
                let engine = MarketEngine(settings: MarketSettings(settings: settings), registry: AssetRegistry(), endpoints: endpoints,
                                          logger: Logger(label: "test"))
                try await body(engine, server)
            }
        }
    }

    static let btc = AssetSeed.assets.first { $0.symbol == "BTC" }!
    static let eth = AssetSeed.assets.first { $0.symbol == "ETH" }!
    static let ark = AssetSeed.assets.first { $0.symbol == "ARK" }!

    @Test("Kraken: XBTUSDT ticker as a BTC quote in usdt; OHLC clipped to the limit, the last frame open")
    func kraken() async throws {
        try await Self.withEngine { engine, _ in
            let kraken = try #require(engine.providers["kraken"])
            let quotes = try await kraken.quotes([Self.btc], vs: "usdt")
            #expect(quotes.count == 1)
            #expect(quotes.first?.symbol == "BTC")
            #expect(quotes.first?.price.description == "105899.4")
            let candles = try await kraken.candles(Self.btc, quote: "USDT", interval: .m1, limit: 3, start: nil, end: nil)
            #expect(candles.count == 3)
            #expect(candles.last?.openTime == 1_762_820_220_000 || candles.last?.openTime == 1_762_820_160_000)
            #expect(candles.last?.closed == false)
        }
    }

    @Test("CryptoCompare: ARK in USD from pricemultifull, renamed to the canonical symbol")
    func cryptoCompare() async throws {
        try await Self.withEngine { engine, _ in
            let quotes = try await engine.providers["cryptocompare"]!.quotes([Self.ark], vs: "usd")
            #expect(quotes.map(\.symbol) == ["ARK"])
            #expect(quotes.first?.price.description == "1.2219981765")
            #expect(quotes.first?.ts == 1_623_255_626_000)
        }
    }

    @Test("CoinCap: skipped without a key; with one, ETH from /assets and a listing")
    func coinCap() async throws {
        try await Self.withEngine { engine, _ in
            do {
                _ = try await engine.providers["coincap"]!.quotes([Self.eth], vs: "usd")
                Issue.record("expected unsupported")
            } catch {
                #expect((error as? ProviderFailure)?.kind == .unsupported)
            }
        }
        try await Self.withEngine(["COINCAP_API_KEY": "test-key"]) { engine, _ in
            let coincap = engine.providers["coincap"]!
            let quotes = try await coincap.quotes([Self.eth], vs: "usd")
            #expect(quotes.first?.price.description == "218.9555538128251229")
            let listing = try await coincap.markets(vs: "usd", limit: 10)
            #expect(listing.count == 10)
            #expect(listing.first?.id == "bitcoin")
        }
    }

    @Test("CoinGecko: 4-hour OHLC from days=7, stamped with open time")
    func coinGeckoOHLC() async throws {
        try await Self.withEngine { engine, _ in
            let candles = try await engine.coingecko.candles(Self.btc, quote: "USD", interval: .h4, limit: 42, start: nil, end: nil)
            #expect(candles.count == 42)
            #expect(candles.last?.openTime == 1_621_080_000_000, "close time 1621094400000 minus 4 h")
            #expect(candles.last?.close.description == "49675.91")
            #expect(candles.last?.volume == nil)
        }
    }

    @Test("the registry learns the coin list and Binance's markets from the collector's refresh")
    func registryRefresh() async throws {
        try await Self.withEngine { engine, _ in
            let list = try await engine.coingecko.coinList()
            #expect(list.count == 500)
            engine.registry.refresh(coinList: list)
            engine.registry.refresh(exchangeInfo: try await engine.binance.exchangeInfo())
            #expect(engine.registry.binanceHasMarket("BTCUSDT") == true)
            #expect(engine.registry.binanceHasMarket("DOGEUSDT") == false)
            let zus = try engine.registry.resolve("0chain")
            #expect(zus.asset.symbol == "ZCN")
            #expect(zus.asset.coingeckoId == "0chain")
        }
    }
}
