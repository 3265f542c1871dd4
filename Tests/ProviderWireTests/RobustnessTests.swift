import CryptoModels
import ProviderWire
import Testing

/// A small deterministic generator so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Names of every parser, run through ``runParser(_:_:)``.
let allParserNames: [String] = ["cg.simple", "cg.markets", "cg.global", "cg.trending", "cg.list", "cg.ohlc", "cg.chart", "bn.klines", "bn.24h", "bn.price", "bn.info", "kr.ohlc", "kr.ticker", "cc.assets", "cc.history", "cmp.price", "cmp.histo", "dl.protocols", "dl.protocol", "dl.chains", "dl.history", "dl.tvl", "fng"]

/// Runs the named parser on `body`; it either returns or throws `ProviderWireError` (typed throws make that a compile-time fact).
func runParser(_ name: String, _ body: [UInt8]) throws(ProviderWireError) {
    switch name {
    case "cg.simple": _ = try CoinGeckoParser.parseSimplePrice(body, coins: [(id: "bitcoin", symbol: "BTC")], vs: ["usd"], fetchedAt: 0)
    case "cg.markets": _ = try CoinGeckoParser.parseMarkets(body)
    case "cg.global": _ = try CoinGeckoParser.parseGlobal(body)
    case "cg.trending": _ = try CoinGeckoParser.parseTrending(body)
    case "cg.list": _ = try CoinGeckoParser.parseCoinsList(body)
    case "cg.ohlc": _ = try CoinGeckoParser.parseOHLC(body, interval: .h4, now: farFuture)
    case "cg.chart": _ = try CoinGeckoParser.parseMarketChart(body)
    case "bn.klines": _ = try BinanceParser.parseKlines(body, now: farFuture)
    case "bn.24h": _ = try BinanceParser.parseTicker24h(body)
    case "bn.price": _ = try BinanceParser.parseTickerPrice(body)
    case "bn.info": _ = try BinanceParser.parseExchangeInfo(body)
    case "kr.ohlc": _ = try KrakenParser.parseOHLC(body, interval: .m1, now: farFuture)
    case "kr.ticker": _ = try KrakenParser.parseTicker(body)
    case "cc.assets": _ = try CoinCapParser.parseAssets(body)
    case "cc.history": _ = try CoinCapParser.parseHistory(body)
    case "cmp.price": _ = try CryptoCompareParser.parsePriceMultiFull(body)
    case "cmp.histo": _ = try CryptoCompareParser.parseHistory(body, interval: .h1, now: farFuture)
    case "dl.protocols": _ = try DefiLlamaParser.parseProtocols(body)
    case "dl.protocol": _ = try DefiLlamaParser.parseProtocol(body, slug: "aave")
    case "dl.chains": _ = try DefiLlamaParser.parseChains(body)
    case "dl.history": _ = try DefiLlamaParser.parseHistoricalChainTvl(body)
    case "dl.tvl": _ = try DefiLlamaParser.parseTvl(body)
    case "fng": _ = try AlternativeMeParser.parseFearGreed(body)
    default: fatalError("unknown parser \(name)")
    }
}

/// Which parser reads which capture.
let parserForCapture: [String: String] = [
    "alternative_me/fng_limit2.json": "fng", "binance/exchange_info.json": "bn.info", "binance/klines.json": "bn.klines",
    "binance/ticker_24hr.json": "bn.24h", "binance/ticker_price.json": "bn.price", "coincap/asset_history.json": "cc.history",
    "coincap/assets.json": "cc.assets", "coingecko/coins_list.json": "cg.list", "coingecko/global.json": "cg.global",
    "coingecko/market_chart.json": "cg.chart", "coingecko/markets.json": "cg.markets", "coingecko/ohlc.json": "cg.ohlc",
    "coingecko/simple_price.json": "cg.simple", "coingecko/trending.json": "cg.trending",
    "cryptocompare/histohour_v1.json": "cmp.histo", "cryptocompare/pricemultifull.json": "cmp.price",
    "defillama/historical_chain_tvl.json": "dl.history", "defillama/protocols.json": "dl.protocols", "defillama/tvl.json": "dl.tvl",
    "kraken/ohlc.json": "kr.ohlc", "kraken/ticker.json": "kr.ticker",
    "written/defillama_protocol_aave.json": "dl.protocol", "written/defillama_chains.json": "dl.chains",
    "written/coingecko_trending_2021.json": "cg.trending",
]


@Suite("Parser robustness")
struct RobustnessTests {
    @Test("every data capture parses with its endpoint's parser", arguments: parserForCapture.keys.sorted())
    func capturesParse(path: String) throws {
        try runParser(try #require(parserForCapture[path]), try Fixture.bytes(path))
    }

    @Test("random truncations of real captures throw a ProviderWireError or succeed, never crash", arguments: parserForCapture.keys.sorted())
    func truncations(path: String) throws {
        let bytes = try Fixture.bytes(path)
        let name = try #require(parserForCapture[path])
        var rng = SplitMix64(state: UInt64(truncatingIfNeeded: path.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        // Cut strictly before the last significant byte (a cut in trailing whitespace leaves a valid document).
        let length = (bytes.lastIndex { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } ?? 0)
        var cuts = Set(0..<min(length, 40))                                // every short prefix
        while cuts.count < min(length, 200) { cuts.insert(Int.random(in: 0..<length, using: &rng)) }
        var thrown = 0
        for cut in cuts {
            do { try runParser(name, Array(bytes[..<cut])) } catch { thrown += 1 }
        }
        // A cut inside a container is invalid JSON (a bare number's prefixes are valid numbers, so skip those).
        guard bytes.first == UInt8(ascii: "{") || bytes.first == UInt8(ascii: "[") else { return }
        #expect(thrown == cuts.count, "\(path): only \(thrown) of \(cuts.count) truncations threw")
    }

    @Test("random byte corruptions of real captures throw a ProviderWireError or succeed, never crash", arguments: parserForCapture.keys.sorted())
    func corruptions(path: String) throws {
        let bytes = try Fixture.bytes(path)
        let name = try #require(parserForCapture[path])
        var rng = SplitMix64(state: UInt64(bytes.count))
        let specials: [UInt8] = Array(#"[]{}",:-.0e\"#.utf8) + [0x00, 0xFF, 0x0A]
        for _ in 0..<100 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let index = Int.random(in: 0..<mutated.count, using: &rng)
                mutated[index] = Bool.random(using: &rng) ? specials.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            do { try runParser(name, mutated) } catch { continue }
        }
    }

    @Test("every parser fed every other capture throws a ProviderWireError or succeeds, never crashes")
    func crossEndpoint() throws {
        var rejected = 0
        for path in Fixture.captures {
            let bytes = try Fixture.bytes(path)
            for name in allParserNames {
                do { try runParser(name, bytes) } catch { rejected += 1 }
            }
        }
        #expect(rejected > Fixture.captures.count * allParserNames.count / 2)
    }

    @Test("hostile inputs: deep nesting, huge numbers, wrong top-level types", arguments: [
        String(repeating: "[", count: 50_000), String(repeating: "{\"a\":", count: 50_000),
        "[" + String(repeating: "9", count: 100_000) + "]", "\"" + String(repeating: "\\u0041", count: 10_000) + "\"",
        "null", "true", "0", "\"\"", "[]", "{}", "[[]]", "[{}]", #"{"data":null}"#, #"{"result":[]}"#, #"{"error":[]}"#,
        #"[[1e999999999,1,1,1,1]]"#, #"{"Data":{"Data":null}}"#,
    ])
    func hostile(input: String) {
        for name in allParserNames {
            do { try runParser(name, Array(input.utf8)) } catch { continue }
        }
    }
}
