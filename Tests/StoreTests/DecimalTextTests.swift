import Contracts
import CryptoModels
import Foundation
import Testing
@testable import Store

/// The fast decimal reader must agree with `Amount(parsing:)` on value and canonical text.
@Suite struct DecimalTextTests {
    /// Every decimal string in the candle, quote and market fixtures, plus edge cases.
    static func corpus() throws -> [String] {
        var texts = ["0", "0.0", "-0", "0.00000001", "100", "1200", "-0.5", "70187", "70187.50", "000123.4500",
                     "9999999999999999999", "18446744073709551615", "0.1234567890123456789", "9811.9724285486045699",
                     "-3.1962983264865864", "2.70016521312815e+15"]
        for candle in try Fixtures.binanceCandles() + Fixtures.krakenCandles() {
            texts += [candle.open, candle.high, candle.low, candle.close].map(\.description)
        }
        let root = try JSONSerialization.jsonObject(with: try Fixtures.data("binance/klines.json")) as? [[Any]] ?? []
        texts += root.flatMap { $0.compactMap { $0 as? String } } // raw wire text with trailing zeros
        for quote in try Fixtures.coincapQuotes() {
            texts += [quote.price, quote.marketCap, quote.volume24h].compactMap { $0?.description }
        }
        return texts
    }

    @Test func fastPathAgreesWithAmountParsing() throws {
        let texts = try Self.corpus()
        #expect(texts.count > 3_000)
        var fastHits = 0
        for text in texts {
            let expected = try #require(Amount(parsing: text), "fixture text \(text)")
            let parsed = try #require(DecimalText.amount(text))
            #expect(parsed == expected, "\(text)")
            #expect(parsed.description == expected.description, "\(text)")
            if DecimalText.fastDecimal(text) != nil { fastHits += 1 }
        }
        // Nearly all stored decimals take the fast path; 20-digit ones and exponents fall back.
        #expect(fastHits > texts.count * 9 / 10)
        #expect(DecimalText.fastDecimal("9811.9724285486045699") == nil)
        #expect(DecimalText.fastDecimal("2.70016521312815e+15") == nil)
        #expect(DecimalText.amount("2.70016521312815e+15")?.description == "2700165213128150")
    }

    @Test func fastTextAgreesWithDescription() throws {
        var values = try Self.corpus().compactMap { Amount(parsing: $0) }
        // Sums (as tvlByDay makes), negatives, tiny and large magnitudes, and integers with trailing zeros.
        var generator = SplitMix64(seed: 42) // deterministic
        for _ in 0..<5_000 {
            let significand = Decimal(UInt64.random(in: 0...9_999_999_999_999_999_999, using: &generator))
            let exponent = Int.random(in: -30...20, using: &generator)
            values.append(Amount(Decimal(sign: Bool.random(using: &generator) ? .minus : .plus, exponent: exponent,
                                         significand: significand)))
        }
        values += try Fixtures.defiProtocols().map(\.tvl)
        values.append(Amount(try Fixtures.defiProtocols().reduce(Decimal(0)) { $0 + $1.tvl.value }))
        values += [0, 1_200, -7, Amount(Decimal(sign: .minus, exponent: -3, significand: 5))]
        for value in values {
            let text = DecimalText.text(value)
            #expect(text == value.description)
            #expect(DecimalText.amount(text) == value)
        }
    }

    @Test(arguments: ["", "-", ".", "1.2.3", "12a", "--1", "1-", " 1"])
    func garbageIsRejected(text: String) {
        #expect(DecimalText.fastDecimal(text) == nil)
        #expect(DecimalText.amount(text) == Amount(parsing: text))
    }
}
