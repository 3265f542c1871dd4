/// A fast, strict RFC 8259 JSON parser over UTF-8 bytes producing lossless ``JSONValue`` trees.
///
/// - Numbers are validated against the JSON grammar and kept as their literal text.
/// - Strings without escapes are decoded in one step from the input bytes; escapes (including `\u` surrogate
///   pairs) are decoded into a byte buffer. A lone surrogate escape decodes to U+FFFD, and invalid UTF-8 bytes in
///   strings are repaired to U+FFFD rather than rejected (tolerant of sloppy upstreams).
/// - Nesting is limited (``defaultMaxDepth``) so hostile input cannot exhaust the stack.
/// - Leading and trailing whitespace (and a UTF-8 byte-order mark) are allowed; anything else after the value is an error.
public enum JSONParser {
    /// Nesting limit used when none is given; real provider responses stay below 10.
    public static let defaultMaxDepth = 128

    /// Parses a whole document.
    /// - Throws: ``JSONParseError`` with the byte offset of the first problem.
    public static func parse(_ bytes: some Sequence<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer: buffer, maxDepth: maxDepth) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer: buffer, maxDepth: maxDepth) }
        }.get()
    }

    /// Parses a document held in a `String`.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(buffer: buffer, maxDepth: maxDepth) }
        }.get()
    }

    /// Parses a whole document from contiguous bytes (the shared core of the public entry points).
    static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: buffer, maxDepth: maxDepth)
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { reader.position = 3 }
        reader.skipWhitespace()
        guard reader.position < buffer.count else { throw JSONParseError(offset: reader.position, reason: .emptyInput) }
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        guard reader.position == buffer.count else { throw JSONParseError(offset: reader.position, reason: .trailingData) }
        return value
    }
}

/// The cursor over the input bytes; one instance parses one document.
struct JSONReader {
    /// The document; only valid during the parse call that created this reader.
    let bytes: UnsafeBufferPointer<UInt8>
    /// Deepest allowed nesting of arrays and objects.
    let maxDepth: Int
    /// Offset of the next byte to read.
    var position = 0

    /// A reader at the start of `bytes`.
    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Advances past JSON whitespace (space, tab, line feed, carriage return).
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// An error at `offset`, or at the cursor.
    func fail(_ reason: JSONParseError.Reason, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? position, reason: reason)
    }

    /// The error for the byte under the cursor (or the end of input) when `expected` was wanted.
    func unexpected(_ expected: String) -> JSONParseError {
        position < bytes.count
            ? fail(.unexpectedByte(bytes[position], expected: expected))
            : fail(.unexpectedEnd(expected: expected))
    }

    /// Parses any value at the cursor; `depth` is the nesting level of the enclosing container.
    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw fail(.unexpectedEnd(expected: "a value")) }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpected("a value")
        }
    }

    /// Consumes `literal` (`true`, `false`, `null`) or throws at the first differing byte.
    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let pointer = literal.utf8Start
        for offset in 0..<count {
            guard position < bytes.count else { throw fail(.unexpectedEnd(expected: "'\(literal)'")) }
            guard bytes[position] == pointer[offset] else { throw fail(.unexpectedByte(bytes[position], expected: "'\(literal)'")) }
            position += 1
        }
    }

    /// Parses an array starting at `[`; `depth` is its own nesting level.
    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail(.tooDeep(limit: maxDepth)) }
        position += 1 // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw fail(.unexpectedEnd(expected: "',' or ']'")) }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements)
            default: throw unexpected("',' or ']'")
            }
        }
    }

    /// Parses an object starting at `{`; `depth` is its own nesting level.
    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail(.tooDeep(limit: maxDepth)) }
        position += 1 // {
        var keys: [String] = []
        var values: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject(keys: keys, values: values))
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw unexpected("a member name string") }
            keys.append(try parseString())
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw unexpected("':'") }
            position += 1
            skipWhitespace()
            values.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw fail(.unexpectedEnd(expected: "',' or '}'")) }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(JSONObject(keys: keys, values: values))
            default: throw unexpected("',' or '}'")
            }
        }
    }

    /// Scans a number per the RFC 8259 grammar and returns its literal text.
    mutating func parseNumber() throws(JSONParseError) -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.invalidNumber, at: start) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) { throw fail(.invalidNumber, at: start) }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.invalidNumber, at: start) }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail(.invalidNumber, at: start) }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    /// Whether `byte` is an ASCII digit.
    @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
}
