import Foundation
import NIOCore
@testable import RPC
import Testing

/// The fast encoder must write the same JSON value as `JSONEncoder`, or leave the value to it.
@Suite("RPC wire encoder")
struct WireEncoderTests {
    typealias Outer = WireDecoderTests.Outer
    typealias Inner = WireDecoderTests.Inner

    static let values: [Outer] = [
        Outer(id: 42, small: 7, flag: true, side: .buy, price: .init(Decimal(string: "97123.45")!),
              inner: Inner(name: "n", tags: ["a", "b"], score: 1.5), list: [Inner(name: "x", tags: [], score: nil)],
              map: ["a": 1, "b": 2], json: .object(["k": .array([1, "s", true, .null]), "d": 0.1]), nested: [[1], [2, 3]]),
        Outer(id: Int64.min, small: nil, flag: false, side: .sell, price: .init(0),
              inner: Inner(name: "a\"b\\c/d\n\t\u{0}\u{1F}é😀 ✓", tags: [""], score: -2.5e-300),
              list: [], map: [:], json: nil, nested: []),
        Outer(id: Int64.max, small: 255, flag: true, side: .buy, price: .init(1),
              inner: Inner(name: "", tags: [], score: 1e300), list: [], map: Dictionary(uniqueKeysWithValues: (0..<40).map { ("k\($0)", $0) }),
              json: .number(123456789.125), nested: nil),
    ]

    @Test("writes the value JSONEncoder writes", arguments: values)
    func sameValue(value: Outer) throws {
        var buffer = ByteBuffer(string: "prefix")
        #expect(WireEncoding.encode(value, into: &buffer))
        #expect(buffer.readString(length: 6) == "prefix")
        let fast = try JSONDecoder().decode(Outer.self, from: Data(buffer.readableBytesView))
        let reference = try JSONDecoder().decode(Outer.self, from: JSONEncoder().encode(value))
        #expect(fast == reference)
        #expect(fast == value)
    }

    /// A type whose encoding the fast encoder leaves to JSONEncoder.
    struct Unusual: Encodable {
        enum Kind { case date, nested, twice, float, nothing, nan, superEncoder }
        let kind: Kind
        enum Keys: String, CodingKey { case a, b }

        func encode(to encoder: any Encoder) throws {
            switch kind {
            case .date:
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(Date(timeIntervalSince1970: 0), forKey: .a)
            case .nested:
                var c = encoder.container(keyedBy: Keys.self)
                var n = c.nestedContainer(keyedBy: Keys.self, forKey: .a)
                try n.encode(1, forKey: .b)
            case .twice:
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(1, forKey: .a)
                try c.encode(2, forKey: .a)
            case .float:
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(Float(1.5), forKey: .a)
            case .nothing:
                break
            case .nan:
                var c = encoder.container(keyedBy: Keys.self)
                try? c.encode(Double.nan, forKey: .a)
                try c.encode(1, forKey: .b)
            case .superEncoder:
                var c = encoder.container(keyedBy: Keys.self)
                var s = c.superEncoder().singleValueContainer()
                try s.encode(1)
            }
        }
    }

    @Test("leaves unusual encodings to JSONEncoder and the buffer untouched",
          arguments: [Unusual.Kind.date, .nested, .twice, .float, .nothing, .nan, .superEncoder])
    func fallsBack(kind: Unusual.Kind) {
        var buffer = ByteBuffer(string: "prefix")
        #expect(!WireEncoding.encode(Unusual(kind: kind), into: &buffer))
        #expect(String(buffer: buffer) == "prefix")
    }

    @Test("request and result frames carry the encoded values")
    func frames() throws {
        let value = Self.values[1]
        var request = try RPCCodec.request(id: .number(3), method: "m", params: value, ctx: RPCCallContext(timeoutMs: 5))
        request.moveWriterIndex(to: request.writerIndex - 1)
        let frame = try InboundFrame(request)
        #expect(try frame.params(Outer.self) == value)
        var result = try RPCCodec.result(id: .number(3), result: Unusual(kind: .date))
        result.moveWriterIndex(to: result.writerIndex - 1)
        let answer = try InboundFrame(result)
        #expect(try answer.result([String: Double].self) == ["a": -978_307_200])
    }
}
