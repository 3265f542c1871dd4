import Foundation
@testable import ProviderWire
import Testing

@Suite("JSON reader")
struct JSONParserTests {
    @Test("parses every value kind and keeps number literals and key order")
    func valueKinds() throws {
        let value = try JSONParser.parse(#" { "z": [1, -0.5, 2.70016521312815e+15, 1E-3], "a": "x", "t": true, "f": false, "n": null } "#)
        let object = try #require(value.object)
        #expect(object.keys == ["z", "a", "t", "f", "n"])
        #expect(value["z"] == .array([.number("1"), .number("-0.5"), .number("2.70016521312815e+15"), .number("1E-3")]))
        #expect(value["a"]?.string == "x")
        #expect(value["t"]?.bool == true)
        #expect(value["f"]?.bool == false)
        #expect(value["n"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value["z"]?[3]?.numericText == "1E-3")
        #expect(value["z"]?[4] == nil)
    }

    @Test("decodes escapes, surrogate pairs and raw UTF-8")
    func escapes() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4e2d", "\ud83d\ude00", "༼ つ ◕_◕ ༽つ", "\ud83d", "\ude00x", "\ud83d\u0041"]"#)
        #expect(value[0]?.string == "a\"b\\c/d\u{08}\u{0C}\n\r\t")
        #expect(value[1]?.string == "é中")
        #expect(value[2]?.string == "😀")
        #expect(value[3]?.string == "༼ つ ◕_◕ ༽つ")
        #expect(value[4]?.string == "\u{FFFD}")           // lone high surrogate
        #expect(value[5]?.string == "\u{FFFD}x")          // lone low surrogate
        #expect(value[6]?.string == "\u{FFFD}A")          // high surrogate followed by a non-surrogate escape
    }

    @Test("duplicate member names: all kept in order, lookup answers the last")
    func duplicates() throws {
        let value = try JSONParser.parse(#"{"k":1,"k":2}"#)
        #expect(value.object?.keys == ["k", "k"])
        #expect(value["k"]?.numericText == "2")
        // Large objects use a hash index; it must agree with the linear rule.
        let members = (0..<40).map { "\"m\($0)\":\($0)" }.joined(separator: ",")
        let large = try JSONParser.parse("{\(members),\"m7\":700}")
        #expect(large["m7"]?.int64 == 700)
        #expect(large["m39"]?.int64 == 39)
    }

    @Test("accepts a byte-order mark and surrounding whitespace; a bare number is a document")
    func topLevel() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + utf8(" 42 ")) == .number("42"))
        #expect(try JSONParser.parse("4962012809.795062\n") == .number("4962012809.795062"))
        #expect(try JSONParser.parse(Data("[]".utf8)) == .array([]))
    }

    @Test("malformed documents report the byte offset of the problem", arguments: [
        ("", 0, "empty input"),
        ("   ", 3, "empty input"),
        (#"{"a":1,}"#, 7, "expected a member name string"),
        (#"[1,2"#, 4, "unexpected end of input"),
        (#"[1 2]"#, 3, "expected ',' or ']'"),
        (#"{"a" 1}"#, 5, "expected ':'"),
        (#"{"a":1} x"#, 8, "unexpected data after the JSON value"),
        (#"[01]"#, 1, "malformed number"),
        (#"[1.]"#, 1, "malformed number"),
        (#"[-]"#, 1, "malformed number"),
        (#"[.5]"#, 1, "unexpected '.'"),
        (#"[1e]"#, 1, "malformed number"),
        (#"["a\x"]"#, 3, "invalid escape"),
        (#"["\u12G4"]"#, 2, "invalid escape"),
        ("[\"a\tb\"]", 3, "control character"),
        (#"[tru]"#, 4, "expected 'true'"),
        (#"[nul"#, 4, "unexpected end of input"),
        (#"["abc"#, 5, "unexpected end of input"),
        (#"NaN"#, 0, "unexpected 'N'"),
        ("{\"a\":\"b\"}\u{0}", 9, "unexpected data"),
    ])
    func malformed(input: String, offset: Int, message: String) {
        do {
            let value = try JSONParser.parse(input)
            Issue.record("parsed \(input.debugDescription) as \(value)")
        } catch {
            #expect(error.offset == offset, "\(input.debugDescription): \(error)")
            #expect(error.description.contains(message), "\(input.debugDescription): \(error)")
            #expect(error.description.hasPrefix("invalid JSON at byte \(offset)"))
        }
    }

    @Test("nesting beyond the limit throws instead of exhausting the stack")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError(offset: JSONParser.defaultMaxDepth, reason: .tooDeep(limit: JSONParser.defaultMaxDepth))) {
            try JSONParser.parse(deep)
        }
        let objects = String(repeating: "{\"a\":", count: 5_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(objects) }
        // Exactly at the limit is fine.
        let atLimit = String(repeating: "[", count: JSONParser.defaultMaxDepth) + String(repeating: "]", count: JSONParser.defaultMaxDepth)
        #expect(try JSONParser.parse(atLimit).array?.count == 1)
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[[[1]]]", maxDepth: 2) }
    }

    @Test("invalid UTF-8 inside strings is repaired, not fatal")
    func invalidUTF8() throws {
        let value = try JSONParser.parse(utf8("[\"a") + [0xFF] + utf8("b\"]"))
        #expect(value[0]?.string == "a\u{FFFD}b")
    }

    @Test("every real capture parses and agrees with Foundation's JSONSerialization on structure")
    func capturesParse() throws {
        for path in Fixture.captures {
            let bytes = try Fixture.bytes(path)
            let value = try JSONParser.parse(bytes)
            let reference = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            #expect(Self.shapeMatches(value, reference), "\(path)")
        }
    }

    /// Same containers, counts, keys, strings and booleans as Foundation's reading (numbers compared as Double).
    static func shapeMatches(_ value: JSONValue, _ reference: Any) -> Bool {
        switch value {
        case .null: return reference is NSNull
        case .string(let text): return (reference as? String) == text
        case .bool(let flag):
            guard let number = reference as? NSNumber else { return false }
            return number.boolValue == flag
        case .number(let text):
            guard let number = reference as? NSNumber, let double = Double(text) else { return false }
            return abs(number.doubleValue - double) <= abs(double) * 1e-15
        case .array(let elements):
            guard let array = reference as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { shapeMatches($0, $1) }
        case .object(let object):
            guard let dictionary = reference as? [String: Any], Set(object.keys) == Set(dictionary.keys) else { return false }
            return object.allSatisfy { member in dictionary[member.key].map { shapeMatches(member.value, $0) } ?? false }
        }
    }
}
