import Foundation

/// A `Decoder` that reads `params`/`result` values straight from a frame's bytes, for the common shapes only;
/// `JSONDecoder` stays the authority.
///
/// Profiles of short calls put `JSONDecoder` at ~20 % of the CPU of a call (generic metadata look-ups, its
/// intermediate map of the document, a `Data` copy) — more than the socket work. This decoder walks the bytes
/// with ``JSONSyntax`` and decodes objects, arrays, strings, booleans, null, integers and `Double`s. It gives up
/// — and the caller decodes the same bytes again with `JSONDecoder` — whenever its answer might differ:
/// on any error (so error messages are exactly `JSONDecoder`'s), and on anything it does not handle itself (keys or
/// strings it cannot unescape, duplicate keys, `Date`/`Data`/`URL`/`Decimal`/`Float`, integers written with a
/// fraction or an exponent, non-finite numbers, invalid UTF-8, `superDecoder`), even when the type swallowed
/// the error with `try?` and went on (a `Decimal` behind an `Amount` string fallback, say): such a decode is
/// discarded too.
struct WireDecoding {
    /// Decodes `T` from `bytes` (one JSON value), or nil when `JSONDecoder` must decide.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) -> T? {
        let state = WireDecoderState()
        do {
            let value = try WireDecoder(bytes: bytes, span: 0..<bytes.count, state: state).decodeValue(type)
            return state.gaveUp ? nil : value
        } catch {
            return nil
        }
    }
}

/// Shared by one decode's decoders: whether any of them met something it leaves to `JSONDecoder`.
final class WireDecoderState {
    var gaveUp = false

    /// Records the give-up and returns the error to throw.
    func unsupported() -> any Error {
        gaveUp = true
        return WireUnsupported()
    }
}

/// Thrown where `JSONDecoder` must decide.
struct WireUnsupported: Error {}

/// Decodes one JSON value, given by its byte range.
struct WireDecoder: Decoder {
    let bytes: UnsafeRawBufferPointer
    let span: Range<Int>
    let state: WireDecoderState

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try WireKeyedContainer<Key>(bytes: bytes, span: span, state: state))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try WireUnkeyedContainer(bytes: bytes, span: span, state: state)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// Decodes `T` from this value: scalars directly, anything else through its `init(from:)`.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try decode(String.self) as! T
        case is Bool.Type: return try decode(Bool.self) as! T
        case is Int.Type: return try integer(Int.self) as! T
        case is Int64.Type: return try integer(Int64.self) as! T
        case is Int32.Type: return try integer(Int32.self) as! T
        case is Int16.Type: return try integer(Int16.self) as! T
        case is Int8.Type: return try integer(Int8.self) as! T
        case is UInt.Type: return try integer(UInt.self) as! T
        case is UInt64.Type: return try integer(UInt64.self) as! T
        case is UInt32.Type: return try integer(UInt32.self) as! T
        case is UInt16.Type: return try integer(UInt16.self) as! T
        case is UInt8.Type: return try integer(UInt8.self) as! T
        case is Double.Type: return try decode(Double.self) as! T
        // JSONDecoder treats these specially (strategies, exact decimals): leave them to it.
        case is Date.Type, is Data.Type, is URL.Type, is Decimal.Type, is Float.Type: throw state.unsupported()
        default: return try T(from: self)
        }
    }

    private var raw: Slice<UnsafeRawBufferPointer> { bytes[span] }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let raw = self.raw
        guard let first = raw.first, first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else {
            throw WireUnsupported() // not a number: a type mismatch, reported by JSONDecoder
        }
        // Only plain integers; `1.0` or `1e3` may still be integers to JSONDecoder.
        guard !raw.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
              let value = I(String(decoding: UnsafeRawBufferPointer(rebasing: raw), as: UTF8.self), radix: 10)
        else { throw state.unsupported() }
        return value
    }
}

extension WireDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool {
        raw.elementsEqual("null".utf8)
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        if raw.elementsEqual("true".utf8) { return true }
        if raw.elementsEqual("false".utf8) { return false }
        throw WireUnsupported()
    }

    func decode(_ type: String.Type) throws -> String {
        guard let string = try WireStrings.decode(raw, state: state) else { throw WireUnsupported() }
        return string
    }

    func decode(_ type: Double.Type) throws -> Double {
        let raw = self.raw
        guard let first = raw.first, first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else {
            throw WireUnsupported()
        }
        guard let value = Double(String(decoding: UnsafeRawBufferPointer(rebasing: raw), as: UTF8.self)), value.isFinite
        else { throw state.unsupported() }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float { throw state.unsupported() }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }
}

/// The members of one JSON object, scanned once.
struct WireKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let bytes: UnsafeRawBufferPointer
    let state: WireDecoderState
    /// Key byte ranges and value byte ranges, in document order (absolute offsets into `bytes`).
    private let members: [(key: Range<Int>, value: Range<Int>)]
    /// For objects of more than 16 members (dictionaries): member index by key, so that look-ups and the
    /// duplicate check stay linear in the object's size.
    private let index: [String: Int]?

    init(bytes: UnsafeRawBufferPointer, span: Range<Int>, state: WireDecoderState) throws {
        self.bytes = bytes
        self.state = state
        guard bytes[span].first == UInt8(ascii: "{") else { throw WireUnsupported() }
        var scanner = JSONSyntax(UnsafeRawBufferPointer(rebasing: bytes[span]))
        var members: [(key: Range<Int>, value: Range<Int>)] = []
        var keys = 0
        let base = span.lowerBound
        try scanner.forEachMemberWithEscapes { key, value, escaped in
            keys += 1
            guard let key, !escaped else { return }
            let start = key.baseAddress! - bytes.baseAddress!
            members.append((start..<(start + key.count), (base + value.lowerBound)..<(base + value.upperBound)))
        }
        // Keys with escapes would need unescaping to compare; duplicates are resolved by JSONDecoder's rules.
        guard members.count == keys else { throw state.unsupported() }
        if members.count > 16 {
            var index: [String: Int] = [:]
            index.reserveCapacity(members.count)
            for (position, member) in members.enumerated() {
                let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[member.key]), as: UTF8.self)
                guard index.updateValue(position, forKey: key) == nil else { throw state.unsupported() }
            }
            self.index = index
        } else {
            if members.count > 1 {
                for i in 1..<members.count {
                    let key = bytes[members[i].key]
                    for j in 0..<i where bytes[members[j].key].elementsEqual(key) { throw state.unsupported() }
                }
            }
            self.index = nil
        }
        self.members = members
    }

    var codingPath: [any CodingKey] { [] }

    var allKeys: [Key] {
        members.compactMap { Key(stringValue: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0.key]), as: UTF8.self)) }
    }

    private func value(for key: Key) -> Range<Int>? {
        if let index { return index[key.stringValue].map { members[$0].value } }
        var name = key.stringValue
        return name.withUTF8 { wanted in
            members.first { bytes[$0.key].elementsEqual(wanted) }?.value
        }
    }

    private func decoder(for key: Key) throws -> WireDecoder {
        guard let span = value(for: key) else { throw WireUnsupported() } // keyNotFound: JSONDecoder reports it
        return WireDecoder(bytes: bytes, span: span, state: state)
    }

    func contains(_ key: Key) -> Bool { value(for: key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder(for: key).decodeNil() }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(for: key).decodeValue(type) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let span = value(for: key) else { return nil }
        let decoder = WireDecoder(bytes: bytes, span: span, state: state)
        return decoder.decodeNil() ? nil : try decoder.decodeValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw state.unsupported() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw state.unsupported() }
}

/// The elements of one JSON array, scanned once.
struct WireUnkeyedContainer: UnkeyedDecodingContainer {
    let bytes: UnsafeRawBufferPointer
    let state: WireDecoderState
    private let elements: [Range<Int>]
    private(set) var currentIndex = 0

    init(bytes: UnsafeRawBufferPointer, span: Range<Int>, state: WireDecoderState) throws {
        self.bytes = bytes
        self.state = state
        guard bytes[span].first == UInt8(ascii: "[") else { throw WireUnsupported() }
        var scanner = JSONSyntax(UnsafeRawBufferPointer(rebasing: bytes[span]))
        var elements: [Range<Int>] = []
        let base = span.lowerBound
        try scanner.forEachElement { elements.append((base + $0.lowerBound)..<(base + $0.upperBound)) }
        self.elements = elements
    }

    var codingPath: [any CodingKey] { [] }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> WireDecoder {
        guard !isAtEnd else { throw WireUnsupported() } // valueNotFound: JSONDecoder reports it
        defer { currentIndex += 1 }
        return WireDecoder(bytes: bytes, span: elements[currentIndex], state: state)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw WireUnsupported() }
        guard WireDecoder(bytes: bytes, span: elements[currentIndex], state: state).decodeNil() else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { throw state.unsupported() }
}

/// JSON string literals to `String`.
enum WireStrings {
    /// The string `raw` (with its quotes) stands for; nil when it is not a string. Throws (giving up) on what it
    /// leaves to JSONDecoder: invalid UTF-8 and lone surrogates.
    static func decode(_ raw: Slice<UnsafeRawBufferPointer>, state: WireDecoderState) throws -> String? {
        guard raw.count >= 2, raw.first == UInt8(ascii: "\""), raw.last == UInt8(ascii: "\"") else { return nil }
        let inner = UnsafeRawBufferPointer(rebasing: raw.dropFirst().dropLast())
        guard inner.contains(UInt8(ascii: "\\")) else {
            guard let string = String(validating: inner, as: UTF8.self) else { throw state.unsupported() }
            return string
        }
        var out: [UInt8] = []
        out.reserveCapacity(inner.count)
        var index = 0
        while index < inner.count {
            let byte = inner[index]
            guard byte == UInt8(ascii: "\\") else { out.append(byte); index += 1; continue }
            guard index + 1 < inner.count else { throw state.unsupported() }
            let escape = inner[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(inner, at: index) else { throw state.unsupported() }
                index += 4
                if scalar >= 0xD800, scalar < 0xDC00 {
                    guard index + 6 <= inner.count, inner[index] == UInt8(ascii: "\\"), inner[index + 1] == UInt8(ascii: "u"),
                          let low = hex4(inner, at: index + 2), low >= 0xDC00, low < 0xE000
                    else { throw state.unsupported() }
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00, scalar < 0xE000 {
                    throw state.unsupported()
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw state.unsupported() }
                out.append(contentsOf: String(Character(unicode)).utf8)
            default: throw state.unsupported()
            }
        }
        guard let string = String(validating: out, as: UTF8.self) else { throw state.unsupported() }
        return string
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
