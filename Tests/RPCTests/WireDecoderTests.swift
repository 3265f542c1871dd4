import Foundation
@testable import RPC
import Testing

/// The fast decoder must never disagree with `JSONDecoder`: when it answers, the value is `JSONDecoder`'s; where
/// `JSONDecoder` fails, it gives up (so the error is `JSONDecoder`'s).
@Suite("RPC wire decoder")
struct WireDecoderTests {
    enum Side: String, Codable, Hashable { case buy, sell }

    /// Like `Amount`: a decimal string, or a number read as `Decimal` (which the fast decoder leaves alone).
    struct Money: Codable, Hashable {
        var value: Decimal
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self), let value = Decimal(string: text) {
                self.value = value
            } else {
                self.value = try container.decode(Decimal.self)
            }
        }
        init(_ value: Decimal) { self.value = value }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value.description)
        }
    }

    struct Inner: Codable, Hashable {
        var name: String
        var tags: [String]
        var score: Double?
    }

    struct Outer: Codable, Hashable {
        var id: Int64
        var small: UInt8?
        var flag: Bool
        var side: Side
        var price: Money
        var inner: Inner
        var list: [Inner]
        var map: [String: Int]
        var json: JSON?
        var nested: [[Int]]?
    }

    static let base = #"{"id":42,"flag":true,"side":"buy","price":"97123.45","inner":{"name":"n","tags":["a","b"],"score":1.5},"list":[{"name":"x","tags":[]}],"map":{"a":1,"b":2},"json":{"k":[1,"s",true,null]},"nested":[[1],[2,3]]}"#

    static let documents: [String] = [
        base,
        // whitespace, key order, extra keys, nulls for optionals
        #" { "list" : [ ] , "map" : { } , "inner" : { "tags" : [ ] , "name" : "" , "score" : null } , "price" : "1" , "side" : "sell" , "flag" : false , "id" : -7 , "extra" : {"deep":[1,{"x":null}]} , "small" : null } "#,
        // escapes and non-ASCII in strings and keys
        #"{"id":1,"flag":true,"side":"buy","price":"2","inner":{"name":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00 ✓","tags":["\u0000"]},"list":[],"map":{"k\"ey":1}}"#,
        #"{"id":1,"flag":true,"side":"buy","price":"2","inner":{"na\u006de":"escaped key","tags":[]},"list":[],"map":{}}"#,
        // numbers: price as a number (Decimal), integers written as floats, out-of-range, big doubles
        base.replacingOccurrences(of: #""price":"97123.45""#, with: #""price":97123.45"#),
        base.replacingOccurrences(of: #""id":42"#, with: #""id":42.0"#),
        base.replacingOccurrences(of: #""id":42"#, with: #""id":4.2e1"#),
        base.replacingOccurrences(of: #""id":42"#, with: #""id":92233720368547758070"#),
        base.replacingOccurrences(of: #""id":42"#, with: #""id":-0"#),
        base.replacingOccurrences(of: #""id":42"#, with: #""id":42,"small":255"#),
        base.replacingOccurrences(of: #""id":42"#, with: #""id":42,"small":256"#),
        base.replacingOccurrences(of: #""id":42"#, with: #""id":42,"small":-1"#),
        base.replacingOccurrences(of: #""score":1.5"#, with: #""score":1e400"#),
        base.replacingOccurrences(of: #""score":1.5"#, with: #""score":-2.5E-3"#),
        base.replacingOccurrences(of: #""score":1.5"#, with: #""score":0.1"#),
        base.replacingOccurrences(of: #""score":1.5"#, with: #""score":12345678901234567890"#),
        // type errors, missing and duplicate keys, bad enum values, lone surrogates
        base.replacingOccurrences(of: #""flag":true"#, with: #""flag":1"#),
        base.replacingOccurrences(of: #""flag":true"#, with: #""flag":null"#),
        base.replacingOccurrences(of: #""flag":true,"#, with: ""),
        base.replacingOccurrences(of: #""id":42"#, with: #""id":"42""#),
        base.replacingOccurrences(of: #""id":42"#, with: #""id":42,"id":43"#),
        base.replacingOccurrences(of: #""side":"buy""#, with: #""side":"hold""#),
        base.replacingOccurrences(of: #""name":"n""#, with: #""name":"\ud83d""#),
        base.replacingOccurrences(of: #""tags":["a","b"]"#, with: #""tags":"a""#),
        base.replacingOccurrences(of: #""map":{"a":1,"b":2}"#, with: #""map":[1,2]"#),
        #"[1,2]"#,
        #"null"#,
        #""text""#,
    ]

    @Test("agrees with JSONDecoder", arguments: documents)
    func agreesWithJSONDecoder(document: String) throws {
        let reference = try? JSONDecoder().decode(Outer.self, from: Data(document.utf8))
        let bytes = Array(document.utf8)
        let fast = bytes.withUnsafeBytes { WireDecoding.decode(Outer.self, from: $0) }
        // Giving up is always allowed; answering differently from JSONDecoder (or where it fails) never is.
        if let fast { #expect(fast == reference) }
    }

    @Test("the common shapes are decoded without JSONDecoder")
    func commonShapes() throws {
        let bytes = Array(Self.base.utf8)
        let fast = try #require(bytes.withUnsafeBytes { WireDecoding.decode(Outer.self, from: $0) })
        #expect(fast.id == 42)
        #expect(fast.inner == Inner(name: "n", tags: ["a", "b"], score: 1.5))
        #expect(fast.map == ["a": 1, "b": 2])
        #expect(fast.json == .object(["k": .array([1, "s", true, .null])]))
        #expect(fast.nested == [[1], [2, 3]])
        let escaped = Array(Self.documents[2].replacingOccurrences(of: #"{"k\"ey":1}"#, with: #"{"k":1}"#).utf8)
        let decoded = try #require(escaped.withUnsafeBytes { WireDecoding.decode(Outer.self, from: $0) })
        #expect(decoded.inner.name == "a\"b\\c/d\n\té😀 ✓")
        #expect(decoded.inner.tags == ["\u{0}"])
        #expect(decoded.map == ["k": 1])
    }

    @Test("large objects (indexed look-ups) agree with JSONDecoder; duplicates are still left to it")
    func largeObjects() throws {
        // Small enough not to hold a cooperative thread for long in a debug build (the suite runs in parallel).
        let entries = (0..<2_000).map { #""key\#($0)":\#($0)"# }
        let document = "{" + entries.joined(separator: ",") + "}"
        let bytes = Array(document.utf8)
        let fast = try #require(bytes.withUnsafeBytes { WireDecoding.decode([String: Int].self, from: $0) })
        #expect(fast.count == 2_000)
        #expect(fast["key1999"] == 1_999)
        #expect(fast == (try JSONDecoder().decode([String: Int].self, from: Data(document.utf8))))
        let duplicated = Array(("{" + entries.joined(separator: ",") + #","key7":0}"#).utf8)
        #expect(duplicated.withUnsafeBytes { WireDecoding.decode([String: Int].self, from: $0) } == nil)
    }

    @Test("scalars and optionals at the top level", arguments: [
        (#"5"#, Optional(5)), (#"null"#, Optional<Int>.none), (#"-12"#, Optional(-12)),
    ])
    func topLevel(text: String, expected: Int?) throws {
        let bytes = Array(text.utf8)
        let fast = bytes.withUnsafeBytes { WireDecoding.decode(Int?.self, from: $0) }
        #expect(fast == .some(expected))
    }
}
