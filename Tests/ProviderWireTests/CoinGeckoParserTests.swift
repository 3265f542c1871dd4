import CryptoModels
import Foundation
import ProviderWire
import Testing

@Suite("CoinGecko parsers")
struct CoinGeckoParserTests {
    @Test("/simple/price → one BTC/usd quote with cap, volume, change and update time")
    func simplePrice() throws {
        let quotes = try CoinGeckoParser.parseSimplePrice(try Fixture.bytes("coingecko/simple_price.json"),
                                                          coins: [(id: "bitcoin", symbol: "BTC"), (id: "ethereum", symbol: "ETH")],
                                                          vs: ["USD", "eur"], fetchedAt: 1)
        #expect(quotes.count == 1) // ethereum and eur were asked for but not returned
        let quote = try #require(quotes.first)
        #expect(quote.symbol == "BTC")
        #expect(quote.vs == "usd")
        #expect(quote.price == amount("67187.3358936566"))
        #expect(quote.marketCap == amount("1317802988326.25"))
        #expect(quote.volume24h == amount("31260929299.5248"))
        #expect(quote.change24hPct == 3.63727894677354)
        #expect(quote.ts == 1_711_356_300_000)
    }

    @Test("/simple/price with an unknown currency ({\"bitcoin\":{}}) or unknown id is an empty result")
    func simplePriceEmpty() {
        let unknownCurrency = wireError { try CoinGeckoParser.parseSimplePrice(utf8(#"{"bitcoin":{}}"#), coins: [(id: "bitcoin", symbol: "BTC")], vs: ["xyz"], fetchedAt: 0) }
        guard case .emptyResult(.coingecko, _)? = unknownCurrency else { Issue.record("got \(String(describing: unknownCurrency))"); return }
        let unknownId = wireError { try CoinGeckoParser.parseSimplePrice(utf8("{}"), coins: [(id: "nope", symbol: "NOPE")], vs: ["usd"], fetchedAt: 0) }
        guard case .emptyResult? = unknownId else { Issue.record("got \(String(describing: unknownId))"); return }
        // Without last_updated_at the fetch time is used.
        let quotes = try? CoinGeckoParser.parseSimplePrice(utf8(#"{"bitcoin":{"usd":70187}}"#), coins: [(id: "bitcoin", symbol: "BTC")], vs: ["usd"], fetchedAt: 42)
        #expect(quotes?.first?.ts == 42)
        #expect(quotes?.first?.price == 70187)
        #expect(quotes?.first?.marketCap == nil)
    }

    @Test("error envelopes map to provider errors with CoinGecko's own message", arguments: [
        ("coingecko/error_422_missing_parameter.json", nil as String?, "Missing parameter ids", false),
        ("coingecko/error_429_rate_limit.json", "429", "You've exceeded the Rate Limit.", true),
        ("coingecko/error_500.json", "500", "Internal Server Error", false),
    ])
    func errors(path: String, code: String?, message: String, rateLimited: Bool) throws {
        let body = try Fixture.bytes(path)
        // The same envelope is recognised whatever endpoint was called.
        let parsers: [() throws -> Any] = [
            { try CoinGeckoParser.parseSimplePrice(body, coins: [(id: "bitcoin", symbol: "BTC")], vs: ["usd"], fetchedAt: 0) },
            { try CoinGeckoParser.parseMarkets(body) }, { try CoinGeckoParser.parseGlobal(body) },
            { try CoinGeckoParser.parseTrending(body) }, { try CoinGeckoParser.parseCoinsList(body) },
            { try CoinGeckoParser.parseOHLC(body, interval: .h4, now: 0) }, { try CoinGeckoParser.parseMarketChart(body) },
        ]
        for parse in parsers {
            let error = wireError(parse)
            guard case .providerError(.coingecko, let gotCode, let gotMessage)? = error else {
                Issue.record("\(path): got \(String(describing: error))"); continue
            }
            #expect(gotCode == code)
            #expect(gotMessage.hasPrefix(message))
            #expect(error?.isRateLimited == rateLimited)
        }
    }

    @Test("a Cloudflare HTML page is a malformed body that quotes its start")
    func htmlBody() {
        let error = wireError { try CoinGeckoParser.parseMarkets(utf8("<!DOCTYPE html><html><head><title>Just a moment...</title>")) }
        guard case .malformedBody(.coingecko, let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("invalid JSON at byte 0"))
        #expect(reason.contains("<!DOCTYPE html>"))
    }

    @Test("/coins/markets → bitcoin row with integer-looking price and ISO time")
    func markets() throws {
        let rows = try CoinGeckoParser.parseMarkets(try Fixture.bytes("coingecko/markets.json"))
        let btc = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(btc.id == "bitcoin" && btc.symbol == "BTC" && btc.name == "Bitcoin")
        #expect(btc.rank == 1)
        #expect(btc.price == 70187)
        #expect(btc.marketCap == amount("1381651251183"))
        #expect(btc.volume24h == amount("20154184933"))
        #expect(btc.change24hPct == 3.12502)
        #expect(btc.circulatingSupply == 19_675_987)
        #expect(btc.maxSupply == 21_000_000)
        #expect(btc.ts == 1_712_508_571_736) // 2024-04-07T16:49:31.736Z
    }

    @Test("/coins/markets rows with a null price are skipped, nulls elsewhere are nil; a missing id is malformed")
    func marketsNulls() throws {
        let rows = try CoinGeckoParser.parseMarkets(utf8(#"[{"id":"a","symbol":"a","name":"A","current_price":null},{"id":"b","symbol":"b","name":"B","current_price":1.5,"market_cap_rank":null,"max_supply":null,"total_volume":null}]"#))
        #expect(rows.map(\.id) == ["b"])
        #expect(rows[0].rank == nil && rows[0].maxSupply == nil && rows[0].volume24h == nil && rows[0].ts == nil)
        let error = wireError { try CoinGeckoParser.parseMarkets(utf8(#"[{"symbol":"a","name":"A","current_price":1}]"#)) }
        #expect(error?.description.contains("market row 0 id") == true)
    }

    @Test("/global → exact totals (incl. the ars exponent form), dominance and update time")
    func global() throws {
        let global = try CoinGeckoParser.parseGlobal(try Fixture.bytes("coingecko/global.json"))
        #expect(global.totalMarketCap["usd"] == amount("2515268352188.766"))
        #expect(global.totalMarketCap["ars"] == amount("2700165213128150"))
        #expect(global.totalMarketCap.count == 62)
        #expect(global.totalVolume["usd"] == amount("198293501804.3288"))
        #expect(global.totalVolume.count == 62)
        #expect(global.marketCapPercentage.count == 10)
        #expect(global.marketCapPercentage["btc"] == 60.70858347681936)
        #expect(global.activeCryptocurrencies == 17_111)
        #expect(global.marketCapChange24hPct == -9.999293796813587)
        #expect(global.ts == 1_744_025_333_000)
    }

    @Test("/search/trending 2025 shape → 15 coins, precise price_btc string preferred")
    func trending2025() throws {
        let coins = try CoinGeckoParser.parseTrending(try Fixture.bytes("coingecko/trending.json"))
        #expect(coins.count == 15)
        #expect(coins.map(\.score) == Array(0..<15))
        let first = try #require(coins.first)
        #expect(first.id == "qubic-network" && first.symbol == "QUBIC" && first.name == "Qubic")
        #expect(first.marketCapRank == 368)
        #expect(first.priceBTC == amount("0.00000000001179202078295037"))
        #expect(first.thumb?.hasPrefix("https://coin-images.coingecko.com/coins/images/32949/standard/") == true)
        #expect(coins[4].id == "bitcoin" && coins[4].priceBTC == 1 && coins[4].marketCapRank == 1)
        #expect(coins.last?.id == "spx6900")
    }

    @Test("/search/trending 2021 shape (item only, exchanges list) → exponent-form price_btc, null rank")
    func trending2021() throws {
        let coins = try CoinGeckoParser.parseTrending(try Fixture.bytes("written/coingecko_trending_2021.json"))
        #expect(coins.count == 2)
        #expect(coins[0].priceBTC == amount("0.000023175050005601288"))
        #expect(coins[0].marketCapRank == 450)
        #expect(coins[1].symbol == "UNR" && coins[1].marketCapRank == nil && coins[1].score == 1)
    }

    @Test("/coins/list → 500 listings with arbitrary Unicode names")
    func coinsList() throws {
        let list = try CoinGeckoParser.parseCoinsList(try Fixture.bytes("coingecko/coins_list.json"))
        #expect(list.count == 500)
        #expect(list.first == CoinListing(id: "_", symbol: "gib", name: "༼ つ ◕_◕ ༽つ"))
        #expect(list.last == CoinListing(id: "aigg", symbol: "$aigg", name: "AIGG"))
        #expect(list.contains(CoinListing(id: "-10", symbol: "loong", name: "龙")))
    }

    @Test("/ohlc → 42 four-hour candles stamped with open time, no volume, closed by close time")
    func ohlc() throws {
        let body = try Fixture.bytes("coingecko/ohlc.json")
        #expect(CoinGeckoParser.ohlcCandleLength(days: 7) == 14_400_000)
        #expect(CoinGeckoParser.ohlcCandleLength(days: 1) == 1_800_000)
        #expect(CoinGeckoParser.ohlcCandleLength(days: 90) == 345_600_000)
        let candles = try CoinGeckoParser.parseOHLC(body, candleLength: CoinGeckoParser.ohlcCandleLength(days: 7), now: farFuture)
        #expect(candles.count == 42)
        let first = try #require(candles.first), last = try #require(candles.last)
        #expect(first.openTime == 1_620_504_000_000 - 14_400_000)
        #expect(first.open == amount("57945.79") && first.high == amount("59122.18") && first.close == amount("59122.18"))
        #expect(first.volume == nil)
        #expect(last.openTime == 1_621_094_400_000 - 14_400_000)
        #expect(last.close == amount("49675.91"))
        #expect(candles.allSatisfy { $0.closed })
        // At the last row's close time minus 1 ms, only that candle is still open.
        let live = try CoinGeckoParser.parseOHLC(body, interval: .h4, now: 1_621_094_400_000 - 1)
        #expect(live.filter { !$0.closed }.count == 1)
        #expect(live.last?.closed == false)
    }

    @Test("/ohlc rows of the wrong arity or type are rejected naming the row")
    func ohlcMalformed() {
        let arity = wireError { try CoinGeckoParser.parseOHLC(utf8("[[1620504000000,1,2,3,4],[1620518400000,1,2,3]]"), interval: .h4, now: 0) }
        guard case .malformedBody(.coingecko, let reason)? = arity else { Issue.record("got \(String(describing: arity))"); return }
        #expect(reason.contains("ohlc row 1 has 4 elements, expected 5"))
        let type = wireError { try CoinGeckoParser.parseOHLC(utf8(#"[[1620504000000,"x",2,3,4]]"#), interval: .h4, now: 0) }
        #expect(type?.description.contains("ohlc row 0 open") == true)
        let shape = wireError { try CoinGeckoParser.parseOHLC(utf8(#"{"prices":[]}"#), interval: .h4, now: 0) }
        #expect(shape?.description.contains("to be an array, got an object") == true)
    }

    @Test("/market_chart → 288 points per series, sorted (the capture's last point is out of order)")
    func marketChart() throws {
        let chart = try CoinGeckoParser.parseMarketChart(try Fixture.bytes("coingecko/market_chart.json"))
        #expect(chart.prices.count == 288 && chart.marketCaps.count == 288 && chart.totalVolumes.count == 288)
        #expect(chart.prices.first == PricePoint(ts: 1_621_003_519_770, price: amount("50675.258073370765")))
        #expect(chart.prices.last == PricePoint(ts: 1_621_089_594_955, price: amount("49078.83040364477")))
        #expect(chart.prices[286].ts == 1_621_089_594_000)
        #expect(zip(chart.prices, chart.prices.dropFirst()).allSatisfy { $0.ts < $1.ts })
        #expect(chart.marketCaps.last?.price == amount("918302952945.7565"))
        #expect(chart.totalVolumes.last?.price == amount("59650085993.00212"))
    }

    @Test("/market_chart drops null values and duplicate timestamps; missing prices is malformed")
    func marketChartEdges() throws {
        let chart = try CoinGeckoParser.parseMarketChart(utf8(#"{"prices":[[2,1.5],[1,null],[2,1.5],[3,2]]}"#))
        #expect(chart.prices.map(\.ts) == [2, 3])
        #expect(chart.marketCaps.isEmpty)
        let error = wireError { try CoinGeckoParser.parseMarketChart(utf8(#"{"market_caps":[]}"#)) }
        #expect(error?.description.contains("expected `prices`") == true)
        let arity = wireError { try CoinGeckoParser.parseMarketChart(utf8(#"{"prices":[[1,2,3]]}"#)) }
        #expect(arity?.description.contains("`prices[0]` has 3 elements") == true)
    }
}
