import CryptoModels
import Foundation
@testable import ProviderWire
import Testing

@Suite("JSON accessors")
struct JSONValueAccessorTests {
    @Test("amounts are exact: CoinCap's 16-decimal string and CoinGecko's exponent form never pass through Double")
    func exactAmounts() throws {
        let coincap = try #require(JSONValue.string("9811.9724285486045699").amount)
        #expect(coincap.value == Decimal(string: "9811.9724285486045699"))
        #expect(coincap.description == "9811.9724285486045699")
        // Through Double the same literal would be 9811.972428548605 — prove we did not take that road.
        #expect(coincap.value != Decimal(Double("9811.9724285486045699")!))

        let ars = try #require(JSONValue.number("2.70016521312815e+15").amount)
        #expect(ars.description == "2700165213128150")
        #expect(try #require(JSONValue.number("1.1792020782950375e-11").amount).description == "0.000000000011792020782950375")
        #expect(try #require(JSONValue.number("-0.00022700").amount).description == "-0.000227")
        #expect(try #require(JSONValue.string(" 60685.22000000 ").amount) == amount("60685.22"))
        #expect(try #require(JSONValue.number("0").amount) == 0)
        #expect(try #require(JSONValue.number("-0.0e10").amount) == 0)
        // 38 significant digits survive (Foundation's fallback for > 19 digits).
        let long = "12345678901234567890.123456789012345678"
        #expect(try #require(JSONValue.string(long).amount).description == long)
    }

    @Test("non-numbers have no amount", arguments: [
        JSONValue.null, .bool(true), .string(""), .string("abc"), .string("1,000"), .string("$104,127,324"),
        .string("0x151b03b"), .string("1e"), .string("--1"), .string("."), .string("NaN"), .string("Infinity"),
        .array([]), .object(JSONObject(keys: [], values: [])), .number("1e400"), .number("abc"), .number(""),
    ])
    func notAmounts(value: JSONValue) {
        #expect(value.amount == nil)
    }

    @Test("integers from numbers and numeric strings")
    func integers() {
        #expect(JSONValue.number("1634943780000").int64 == 1_634_943_780_000)
        #expect(JSONValue.string("1788825600").int64 == 1_788_825_600)
        #expect(JSONValue.number("1.0e3").int64 == 1_000)
        #expect(JSONValue.number("-1121").int == -1121)
        #expect(JSONValue.number("1.5").int64 == nil)
        #expect(JSONValue.number("9223372036854775808").int64 == nil)
        #expect(JSONValue.null.int64 == nil)
        #expect(JSONValue.string("69").int == 69)
    }

    @Test("doubles only for percentages and scores")
    func doubles() {
        #expect(JSONValue.number("3.63727894677354").double == 3.63727894677354)
        #expect(JSONValue.string("-0.633").double == -0.633)
        #expect(JSONValue.string("n/a").double == nil)
        #expect(JSONValue.null.double == nil)
    }

    @Test("the fast decimal path agrees with Foundation for every number in every capture")
    func fastPathMatchesFoundation() throws {
        var checked = 0
        for path in Fixture.captures {
            var stack = [try JSONParser.parse(try Fixture.bytes(path))]
            while let value = stack.popLast() {
                switch value {
                case .array(let elements): stack.append(contentsOf: elements)
                case .object(let object): stack.append(contentsOf: object.values)
                case .number, .string:
                    guard let text = value.numericText else { continue }
                    let expected = Decimal(string: text.hasPrefix("+") ? String(text.dropFirst()) : text)
                    #expect(value.amount?.value == expected, "\(path): \(text)")
                    checked += 1
                default: continue
                }
            }
        }
        #expect(checked > 15_000)
    }
}
