import CryptoModels
import ProviderWire
import Testing

@Suite("Binance parsers")
struct BinanceParserTests {
    @Test("/klines → 10 one-minute candles; closed strictly before the close time")
    func klines() throws {
        let body = try Fixture.bytes("binance/klines.json")
        let candles = try BinanceParser.parseKlines(body, now: farFuture)
        #expect(candles.count == 10)
        let first = try #require(candles.first), last = try #require(candles.last)
        #expect(first.openTime == 1_634_943_780_000)
        #expect(first.open == amount("60685.22") && first.high == amount("60729.84") && first.low == amount("60670.9"))
        #expect(first.close == amount("60719.27"))
        #expect(first.volume == amount("21.63272"))
        #expect(last.openTime == 1_634_944_320_000)
        #expect(last.close == amount("60739.85"))
        #expect(last.volume == amount("0.04734"))
        #expect(zip(candles, candles.dropFirst()).allSatisfy { $1.openTime - $0.openTime == 60_000 })
        // The last kline closes at 1634944379999: at that instant it is still open, one ms later it is closed.
        let atClose = try BinanceParser.parseKlines(body, now: 1_634_944_379_999)
        #expect(atClose.last?.closed == false)
        #expect(atClose.dropLast().allSatisfy { $0.closed })
        #expect(try BinanceParser.parseKlines(body, now: 1_634_944_380_000).last?.closed == true)
    }

    @Test("klines are sorted ascending and duplicates collapse to one")
    func klinesOrder() throws {
        let row = { (open: Int64, close: String) in
            "[\(open),\"1.0\",\"2.0\",\"0.5\",\"\(close)\",\"10.0\",\(open + 59_999),\"0\",1,\"0\",\"0\",\"0\"]"
        }
        let body = "[\(row(120_000, "1.5")),\(row(0, "1.1")),\(row(60_000, "1.2")),\(row(0, "1.1"))]"
        let candles = try BinanceParser.parseKlines(utf8(body), now: farFuture)
        #expect(candles.map(\.openTime) == [0, 60_000, 120_000])
        #expect(candles.map(\.close) == [amount("1.1"), amount("1.2"), amount("1.5")])
    }

    @Test("a kline row of the wrong arity is rejected naming its index")
    func klinesArity() {
        let error = wireError { try BinanceParser.parseKlines(utf8(#"[[0,"1","1","1","1","1",59999,"0",1,"0","0","0"],[60000,"1","1","1","1"]]"#), now: 0) }
        guard case .malformedBody(.binance, let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason == "kline row 1 has 5 elements, expected 12")
    }

    @Test("the documented error payload maps to a provider error with Binance's code and message")
    func error() throws {
        let body = try Fixture.bytes("binance/error_invalid_symbol.json")
        for parse in [{ try BinanceParser.parseKlines(body, now: 0) as Any }, { try BinanceParser.parseTicker24h(body) },
                      { try BinanceParser.parseTickerPrice(body) }, { try BinanceParser.parseExchangeInfo(body) }] {
            #expect(wireError(parse) == .providerError(provider: .binance, code: "-1121", message: "Invalid symbol."))
        }
        #expect(wireError { try BinanceParser.parseKlines(utf8(#"{"code":-1003,"msg":"Too many requests."}"#), now: 0) }?.isRateLimited == true)
    }

    @Test("/ticker/24hr single-object form → ETHBTC statistics and quote")
    func ticker24h() throws {
        let tickers = try BinanceParser.parseTicker24h(try Fixture.bytes("binance/ticker_24hr.json"))
        let ticker = try #require(tickers.first)
        #expect(tickers.count == 1)
        #expect(ticker.symbol == "ETHBTC")
        #expect(ticker.lastPrice == amount("0.035641"))
        #expect(ticker.priceChange == amount("-0.000227"))
        #expect(ticker.priceChangePercent == -0.633)
        #expect(ticker.volume == amount("380396.976"))
        #expect(ticker.quoteVolume == amount("13459.43958266"))
        #expect(ticker.openTime == 1_551_288_592_637 && ticker.closeTime == 1_551_374_992_637)
        #expect(ticker.tradeCount == 267_388)
        let quote = ticker.quote(symbol: "ETH", vs: "BTC")
        #expect(quote == Quote(symbol: "ETH", vs: "btc", price: amount("0.035641"), volume24h: amount("13459.43958266"),
                               change24hPct: -0.633, ts: 1_551_374_992_637))
    }

    @Test("/ticker/24hr array form parses every element")
    func ticker24hArray() throws {
        let single = String(decoding: try Fixture.bytes("binance/ticker_24hr.json"), as: UTF8.self)
        let tickers = try BinanceParser.parseTicker24h(utf8("[\(single),\(single.replacingOccurrences(of: "ETHBTC", with: "LTCBTC"))]"))
        #expect(tickers.map(\.symbol) == ["ETHBTC", "LTCBTC"])
        let error = wireError { try BinanceParser.parseTicker24h(utf8("42")) }
        #expect(error?.description.contains("expected a ticker object or array") == true)
    }

    @Test("/ticker/price object and array forms")
    func tickerPrice() throws {
        #expect(try BinanceParser.parseTickerPrice(try Fixture.bytes("binance/ticker_price.json"))
            == [MarketPrice(symbol: "BTCUSDT", price: amount("60740"))])
        let many = try BinanceParser.parseTickerPrice(utf8(#"[{"symbol":"A","price":"1.50"},{"symbol":"B","price":"0.00000001"}]"#))
        #expect(many.map(\.price) == [amount("1.5"), amount("0.00000001")])
    }

    @Test("/exchangeInfo → symbols with base, quote and status")
    func exchangeInfo() throws {
        let symbols = try BinanceParser.parseExchangeInfo(try Fixture.bytes("binance/exchange_info.json"))
        #expect(symbols == [ExchangeSymbol(symbol: "BTCUSDT", baseAsset: "BTC", quoteAsset: "USDT", status: "TRADING"),
                            ExchangeSymbol(symbol: "ETHUSDT", baseAsset: "ETH", quoteAsset: "USDT", status: "TRADING")])
        #expect(symbols.allSatisfy { $0.isTrading })
    }
}
