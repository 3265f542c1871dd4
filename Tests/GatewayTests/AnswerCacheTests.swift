import Contracts
import CryptoModels
import Foundation
@testable import Gateway
import Hummingbird
import NIOCore
import Testing

@Suite("AnswerCache")
struct AnswerCacheTests {
    @Test("keeps an answer no longer than its lifetime nor its upstream freshness; never keeps stale or when disabled")
    func bounds() async throws {
        let cache = AnswerCache<String>(lifetime: .seconds(120))
        cache.put("a", "long", freshFor: 600)
        cache.put("b", "short", freshFor: 0.05)
        cache.put("c", "stale", freshFor: 0)
        let hit = try #require(cache.get("a"))
        #expect(hit.0 == "long")
        #expect(hit.1 >= 0 && hit.1 < 120)
        #expect(cache.get("c") == nil)
        try await Task.sleep(for: .milliseconds(100))
        #expect(cache.get("b") == nil, "expired with its upstream freshness")
        #expect(cache.get("a") != nil)

        let brief = AnswerCache<String>(lifetime: .milliseconds(50))
        brief.put("a", "long", freshFor: 60)
        try await Task.sleep(for: .milliseconds(100))
        #expect(brief.get("a") == nil, "expired with the cache lifetime")

        let off = AnswerCache<String>(lifetime: .zero)
        off.put("a", "x", freshFor: 60)
        #expect(off.get("a") == nil)
    }
}

@Suite("PricesAnswer")
struct PricesAnswerTests {
    @Test("a cached prices body is the same JSON as the encoder's, with age_s advanced and cached true")
    func body() throws {
        let quote = Quote(symbol: "BTC", vs: "usd", price: Amount(parsing: "67187.3358936566")!, ts: 1_711_356_300_000)
        let result = Market.Prices.Result(quotes: [quote], meta: DataMeta(source: "coingecko", asOf: 1_711_356_300_000,
                                                                            fetchedAt: 1_795_292_168_635, ageS: 0.5), freshForS: 30)
        let answer = try PricesAnswer(result)
        let response = answer.response(elapsed: 2.25)
        let text = String(buffer: answer.body(elapsed: 2.25))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let meta = try #require(object["meta"] as? [String: Any])
        #expect(meta["age_s"] as? Double == 2.75)
        #expect(meta["cached"] as? Bool == true)
        #expect(meta["stale"] as? Bool == false)
        #expect(meta["source"] as? String == "coingecko")
        #expect(meta["as_of"] as? Int == 1_711_356_300_000)
        let data = try #require(object["data"] as? [[String: Any]])
        #expect(data.first?["price"] as? String == "67187.3358936566")
        #expect(data.first?["time"] as? String == "2024-03-25T08:45:00.000Z")
        #expect(response.headers[.cacheControl] == "public, max-age=27")
    }
}
