import CryptoModels
import ProviderWire
import Testing

@Suite("Kraken parsers")
struct KrakenParserTests {
    @Test("/OHLC → 721 XBTUSDT candles; the frame after `last` is never closed")
    func ohlc() throws {
        let ohlc = try KrakenParser.parseOHLC(try Fixture.bytes("kraken/ohlc.json"), interval: .m1, now: farFuture)
        #expect(ohlc.pair == "XBTUSDT")
        #expect(ohlc.last == 1_762_820_160)
        #expect(ohlc.candles.count == 721)
        let first = try #require(ohlc.candles.first), last = try #require(ohlc.candles.last)
        #expect(first.openTime == 1_762_777_020_000)
        #expect(first.close == amount("106038.2") && first.volume == 0)
        #expect(ohlc.candles[2].volume == amount("0.00032101"))
        #expect(ohlc.candles[3] == Candle(openTime: 1_762_777_200_000, open: amount("106038.1"), high: amount("106044.3"),
                                          low: amount("106038.1"), close: amount("106040.1"), volume: amount("0.08317981"), closed: true))
        #expect(last.openTime == 1_762_820_220_000)
        #expect(last.close == amount("105899.4"))
        #expect(last.closed == false)
        #expect(ohlc.candles.dropLast().allSatisfy { $0.closed })
        // Before the second-to-last minute has ended it is open too, whatever `last` says.
        let early = try KrakenParser.parseOHLC(try Fixture.bytes("kraken/ohlc.json"), interval: .m1, now: 1_762_820_160_000 + 59_999)
        #expect(early.candles.suffix(2).allSatisfy { !$0.closed })
    }

    @Test("whatever pair name comes back is used, and `last` may come first")
    func ohlcPairName() throws {
        let body = #"{"error":[],"result":{"last":60,"XXBTZUSD":[[0,"1","2","0.5","1.5","1.2","3.0",4],[60,"1.5","1.5","1.5","1.5","1.5","0",0]]}}"#
        let ohlc = try KrakenParser.parseOHLC(utf8(body), interval: .m1, now: farFuture)
        #expect(ohlc.pair == "XXBTZUSD" && ohlc.candles.count == 2 && ohlc.candles.allSatisfy { $0.closed })
        let arity = wireError { try KrakenParser.parseOHLC(utf8(#"{"error":[],"result":{"XBTUSD":[[0,"1","2","0.5","1.5","1.2","3.0"]],"last":0}}"#), interval: .m1, now: 0) }
        #expect(arity?.description.contains("OHLC row 0 has 7 elements, expected 8") == true)
        let noPair = wireError { try KrakenParser.parseOHLC(utf8(#"{"error":[],"result":{"last":0}}"#), interval: .m1, now: 0) }
        #expect(noPair?.description.contains("pair's candle array") == true)
    }

    @Test("/Ticker → a/b/c/v/p/t/l/h/o of XBTUSDT and its quote")
    func ticker() throws {
        let tickers = try KrakenParser.parseTicker(try Fixture.bytes("kraken/ticker.json"))
        let ticker = try #require(tickers.first)
        #expect(tickers.count == 1)
        #expect(ticker.pair == "XBTUSDT")
        #expect(ticker.ask == amount("105944.3") && ticker.bid == amount("105944.2"))
        #expect(ticker.last == amount("105899.4") && ticker.lastVolume == amount("0.00009443"))
        #expect(ticker.volumeToday == amount("0.78648221") && ticker.volume24h == amount("163.28908096"))
        #expect(ticker.vwapToday == amount("105960.64756") && ticker.vwap24h == amount("105904.39279"))
        #expect(ticker.tradesToday == 35 && ticker.trades24h == 3276)
        #expect(ticker.lowToday == amount("105853.5") && ticker.low24h == amount("104711"))
        #expect(ticker.highToday == amount("106112") && ticker.high24h == amount("106613.1"))
        #expect(ticker.open == amount("106021.6"))
        let quote = ticker.quote(symbol: "BTC", vs: "USDT", ts: 7)
        #expect(quote.price == amount("105899.4") && quote.vs == "usdt" && quote.ts == 7 && quote.change24hPct == nil)
        #expect(quote.volume24h == amount("17293030.9683059502784"))
    }

    @Test("a non-empty error list is Kraken's provider error (shape as documented by Kraken; no capture)")
    func errors() {
        let error = wireError { try KrakenParser.parseTicker(utf8(#"{"error":["EQuery:Unknown asset pair"]}"#)) }
        #expect(error == .providerError(provider: .kraken, code: "EQuery", message: "EQuery:Unknown asset pair"))
        let limited = wireError { try KrakenParser.parseOHLC(utf8(#"{"error":["EAPI:Rate limit exceeded"],"result":{}}"#), interval: .m1, now: 0) }
        #expect(limited?.isRateLimited == true)
        let empty = wireError { try KrakenParser.parseTicker(utf8(#"{"error":[],"result":{}}"#)) }
        guard case .emptyResult(.kraken, _)? = empty else { Issue.record("got \(String(describing: empty))"); return }
        let shape = wireError { try KrakenParser.parseTicker(utf8(#"{"error":[],"result":{"XBTUSDT":{"a":"1"}}}"#)) }
        #expect(shape?.description.contains("`a` of XBTUSDT to be an array") == true)
    }
}
