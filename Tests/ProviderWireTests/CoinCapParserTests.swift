import CryptoModels
import ProviderWire
import Testing

@Suite("CoinCap parsers")
struct CoinCapParserTests {
    @Test("/assets → 50 rows; bitcoin's price is the exact 16-decimal string")
    func assets() throws {
        let rows = try CoinCapParser.parseAssets(try Fixture.bytes("coincap/assets.json"))
        #expect(rows.count == 50)
        let btc = try #require(rows.first)
        #expect(btc.id == "bitcoin" && btc.symbol == "BTC" && btc.name == "Bitcoin" && btc.rank == 1)
        #expect(btc.price.description == "9811.9724285486045699")
        #expect(btc.marketCap == amount("178675154470.2963769406768488"))
        #expect(btc.volume24h == amount("8341933557.474408666850627"))
        #expect(btc.change24hPct == -3.1962983264865864)
        #expect(btc.circulatingSupply == 18_209_912)
        #expect(btc.maxSupply == 21_000_000)
        #expect(btc.ts == 1_581_338_401_968)
        #expect(rows[1].id == "ethereum" && rows[1].maxSupply == nil)
        #expect(rows.filter { $0.maxSupply == nil }.count == 32)
        #expect(rows.last?.id == "dai" && rows.last?.rank == 50 && rows.last?.price == amount("1.0030065129552937"))
        #expect(rows.map(\.rank) == (1...50).map { Optional($0) })
    }

    @Test("nulls anywhere but priceUsd become nil; a null priceUsd skips the row; a non-numeric one is malformed")
    func nulls() throws {
        let body = #"{"data":[{"id":"x","rank":null,"symbol":"x","name":"X","supply":null,"maxSupply":null,"marketCapUsd":null,"volumeUsd24Hr":null,"priceUsd":"0.5","changePercent24Hr":null,"vwap24Hr":null},{"id":"y","rank":"2","symbol":"Y","name":"Y","priceUsd":null}],"timestamp":1}"#
        let rows = try CoinCapParser.parseAssets(utf8(body))
        #expect(rows == [MarketEntry(id: "x", symbol: "X", name: "X", rank: nil, price: amount("0.5"), ts: 1)])
        let bad = wireError { try CoinCapParser.parseAssets(utf8(#"{"data":[{"id":"x","symbol":"x","name":"X","priceUsd":"n/a"}]}"#)) }
        #expect(bad?.description.contains("`priceUsd` of asset 0") == true)
    }

    @Test("/assets/{id}/history → 288 five-minute points with exact prices")
    func history() throws {
        let points = try CoinCapParser.parseHistory(try Fixture.bytes("coincap/asset_history.json"))
        #expect(points.count == 288)
        #expect(points.first == PricePoint(ts: 1_678_951_800_000, price: amount("24701.4305944828652802")))
        #expect(points.last == PricePoint(ts: 1_679_037_900_000, price: amount("25970.5768920227807189")))
        #expect(zip(points, points.dropFirst()).allSatisfy { $1.ts - $0.ts == 300_000 })
    }

    @Test("CoinCap's error envelope is a provider error (shape `{\"error\": ...}`; no capture)")
    func error() {
        let error = wireError { try CoinCapParser.parseHistory(utf8(#"{"error":"bitcoinx not found","timestamp":1}"#)) }
        #expect(error == .providerError(provider: .coincap, code: nil, message: "bitcoinx not found"))
        let missing = wireError { try CoinCapParser.parseAssets(utf8(#"{"timestamp":1}"#)) }
        #expect(missing?.description.contains("`data`") == true)
    }
}
