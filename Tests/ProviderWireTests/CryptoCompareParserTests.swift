import CryptoModels
@testable import ProviderWire
import Testing

/// Compact JSON text of a value (test helper used to re-wrap captured rows in another envelope).
func render(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let text): return text
    case .string(let text):
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    case .array(let elements): return "[" + elements.map(render).joined(separator: ",") + "]"
    case .object(let object): return "{" + object.map { "\(render(.string($0.key))):\(render($0.value))" }.joined(separator: ",") + "}"
    }
}

@Suite("CryptoCompare parsers")
struct CryptoCompareParserTests {
    @Test("legacy v1 /histohour (Data is the array, RateLimit is []) → 24 hourly candles")
    func histohourV1() throws {
        let body = try Fixture.bytes("cryptocompare/histohour_v1.json")
        let candles = try CryptoCompareParser.parseHistory(body, interval: .h1, now: farFuture)
        #expect(candles.count == 24)
        #expect(candles.first == Candle(openTime: 1_621_360_800_000, open: amount("1.906"), high: amount("1.924"),
                                        low: amount("1.879"), close: amount("1.898"), volume: amount("366105.19"), closed: true))
        #expect(candles.last?.openTime == 1_621_443_600_000)
        #expect(candles.last?.close == amount("1.638"))
        let live = try CryptoCompareParser.parseHistory(body, interval: .h1, now: 1_621_443_600_000 + 3_599_999)
        #expect(live.last?.closed == false)
        #expect(live.dropLast().allSatisfy { $0.closed })
    }

    @Test("v2 shape (Data.Data, RateLimit {}) gives the same candles as the v1 capture's rows")
    func histohourV2() throws {
        let v1Body = try Fixture.bytes("cryptocompare/histohour_v1.json")
        let rows = try #require(try JSONParser.parse(v1Body)["Data"])
        let v2 = #"{"Response":"Success","Message":"","HasWarning":false,"Type":100,"RateLimit":{},"Data":{"Aggregated":false,"TimeFrom":1621360800,"TimeTo":1621443600,"Data":"# + render(rows) + "}}"
        let fromV2 = try CryptoCompareParser.parseHistory(utf8(v2), interval: .h1, now: farFuture)
        #expect(fromV2 == (try CryptoCompareParser.parseHistory(v1Body, interval: .h1, now: farFuture)))
    }

    @Test("all-zero filler rows are dropped; wrong shapes are malformed")
    func fillerAndShape() throws {
        let body = #"{"Response":"Success","Data":{"Data":[{"time":0,"open":0,"high":0,"low":0,"close":0,"volumefrom":0},{"time":86400,"open":1,"high":2,"low":0.5,"close":1.5,"volumefrom":3}]}}"#
        let candles = try CryptoCompareParser.parseHistory(utf8(body), interval: .d1, now: farFuture)
        #expect(candles.map(\.openTime) == [86_400_000])
        let wrong = wireError { try CryptoCompareParser.parseHistory(utf8(#"{"Response":"Success","Data":"x"}"#), interval: .h1, now: 0) }
        #expect(wrong?.description.contains("expected `Data` to be the row array (v1) or an object holding `Data` (v2)") == true)
        let missingField = wireError { try CryptoCompareParser.parseHistory(utf8(#"{"Data":[{"time":1,"open":1,"high":1,"low":1}]}"#), interval: .h1, now: 0) }
        #expect(missingField?.description.contains("`close` of history row 0") == true)
    }

    @Test("/pricemultifull RAW → 15 ARK quotes; DISPLAY is ignored")
    func priceMultiFull() throws {
        let quotes = try CryptoCompareParser.parsePriceMultiFull(try Fixture.bytes("cryptocompare/pricemultifull.json"))
        #expect(quotes.count == 15)
        #expect(quotes.map(\.vs) == ["aud", "brl", "btc", "cad", "chf", "cny", "eth", "eur", "gbp", "jpy", "krw", "ltc", "nzd", "rub", "usd"])
        #expect(quotes.allSatisfy { $0.symbol == "ARK" })
        let usd = try #require(quotes.last)
        #expect(usd.price == amount("1.2219981765"))
        #expect(usd.marketCap == amount("192865161.6011891"))
        #expect(usd.volume24h == amount("31861313.949658796"))
        #expect(usd.change24hPct == 14.989143413680925)
        #expect(usd.ts == 1_623_255_626_000)
        #expect(quotes.first?.price == amount("1.577660649"))
    }

    @Test("the Response: Error envelope is a provider error with CryptoCompare's message (documented shape; no capture)")
    func errors() {
        let body = #"{"Response":"Error","Message":"fsym param is empty or null.","HasWarning":false,"Type":1,"RateLimit":{},"Data":{}}"#
        #expect(wireError { try CryptoCompareParser.parsePriceMultiFull(utf8(body)) }
            == .providerError(provider: .cryptocompare, code: "1", message: "fsym param is empty or null."))
        #expect(wireError { try CryptoCompareParser.parseHistory(utf8(body), interval: .h1, now: 0) }?.provider == .cryptocompare)
        let empty = wireError { try CryptoCompareParser.parsePriceMultiFull(utf8(#"{"RAW":{},"DISPLAY":{}}"#)) }
        guard case .emptyResult(.cryptocompare, _)? = empty else { Issue.record("got \(String(describing: empty))"); return }
    }
}
