import NIOCore

/// A single-pass scanner over one JSON-RPC frame: validates the JSON and finds the top-level members by byte range.
///
/// Routing a frame needs only `jsonrpc`, `id`, `method` and the presence of `result`/`error`; decoding the whole
/// document with `JSONDecoder` twice (once to route, once for the typed params) cost more than the call itself.
/// The scanner checks the syntax of the entire frame, so invalid JSON is still reported as -32700, and leaves
/// `params`/`result`/`error` as ranges that are decoded once, into their typed values.
struct ScannedFrame {
    /// A member's value as a byte range of the frame.
    typealias Span = Range<Int>

    var jsonrpc: Span?
    var id: Span?
    var method: Span?
    var params: Span?
    var result: Span?
    var error: Span?
    var ctx: Span?

    /// The frame is not valid JSON.
    struct SyntaxError: Error {}
    /// The frame is valid JSON but not an object.
    struct NotAnObject: Error {}

    /// Scans `bytes`; throws ``SyntaxError`` or ``NotAnObject``.
    init(_ bytes: UnsafeRawBufferPointer) throws {
        var scanner = JSONSyntax(bytes)
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else {
            try scanner.skipValue()
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw SyntaxError() }
            throw NotAnObject()
        }
        try scanner.forEachMember { key, value in
            // Keys compared as bytes: no String per member.
            if key.elementsEqual("jsonrpc".utf8) { jsonrpc = value }
            else if key.elementsEqual("id".utf8) { id = value }
            else if key.elementsEqual("method".utf8) { method = value }
            else if key.elementsEqual("params".utf8) { params = value }
            else if key.elementsEqual("result".utf8) { result = value }
            else if key.elementsEqual("error".utf8) { error = value }
            else if key.elementsEqual("ctx".utf8) { ctx = value }
        }
        scanner.skipWhitespace()
        guard scanner.atEnd else { throw SyntaxError() }
    }
}

/// A minimal JSON syntax walker over raw bytes (RFC 8259), used by ``ScannedFrame``.
struct JSONSyntax {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Walks an object at the current position, calling `body` with each member's key bytes (when it is a key
    /// without escapes; other keys are skipped) and the byte range of its value.
    mutating func forEachMember(_ body: (UnsafeRawBufferPointer, Range<Int>) throws -> Void) throws {
        try walkObject(reportKeys: true) { key, value, escaped in
            if !escaped { try body(key, value) }
        }
    }

    /// Like ``forEachMember(_:)``, but reports every member: `escaped` tells that the key bytes hold escapes.
    mutating func forEachMemberWithEscapes(_ body: (UnsafeRawBufferPointer?, Range<Int>, Bool) throws -> Void) throws {
        try walkObject(reportKeys: true, body)
    }

    /// Walks an array at the current position, calling `body` with the byte range of each element.
    mutating func forEachElement(_ body: (Range<Int>) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipWhitespace()
            let start = index
            try skipValue()
            try body(start..<index)
            skipWhitespace()
            guard let next = peek() else { throw ScannedFrame.SyntaxError() }
            index += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw ScannedFrame.SyntaxError() }
        }
    }

    /// Walks an object; without `reportKeys` it only validates it (nested values are skipped unseen).
    private mutating func walkObject(reportKeys: Bool,
                                     _ body: (UnsafeRawBufferPointer, Range<Int>, Bool) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        depth += 1
        defer { depth -= 1 }
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            let keyStart = index + 1
            let hasEscape = try skipString()
            let keyEnd = index - 1
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let valueStart = index
            try skipValue()
            if reportKeys { try body(UnsafeRawBufferPointer(rebasing: bytes[keyStart..<keyEnd]), valueStart..<index, hasEscape) }
            skipWhitespace()
            guard let next = peek() else { throw ScannedFrame.SyntaxError() }
            index += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw ScannedFrame.SyntaxError() }
        }
    }

    /// Skips one value of any type, validating its syntax.
    mutating func skipValue() throws {
        guard let byte = peek() else { throw ScannedFrame.SyntaxError() }
        switch byte {
        case UInt8(ascii: "\""): _ = try skipString()
        case UInt8(ascii: "{"):
            guard depth < 512 else { throw ScannedFrame.SyntaxError() }
            try walkObject(reportKeys: false) { _, _, _ in }
        case UInt8(ascii: "["):
            guard depth < 512 else { throw ScannedFrame.SyntaxError() }
            index += 1
            depth += 1
            defer { depth -= 1 }
            skipWhitespace()
            if peek() == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipWhitespace()
                try skipValue()
                skipWhitespace()
                guard let next = peek() else { throw ScannedFrame.SyntaxError() }
                index += 1
                if next == UInt8(ascii: "]") { return }
                guard next == UInt8(ascii: ",") else { throw ScannedFrame.SyntaxError() }
            }
        case UInt8(ascii: "t"): try skipLiteral("true")
        case UInt8(ascii: "f"): try skipLiteral("false")
        case UInt8(ascii: "n"): try skipLiteral("null")
        default: try skipNumber()
        }
    }

    /// Skips a string; returns whether it contained escapes.
    mutating func skipString() throws -> Bool {
        try expect(UInt8(ascii: "\""))
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return escaped }
            if byte < 0x20 { throw ScannedFrame.SyntaxError() }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1
                guard let next = peek() else { throw ScannedFrame.SyntaxError() }
                switch next {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count else { throw ScannedFrame.SyntaxError() }
                    for offset in 1...4 where !bytes[index + offset].isHexDigit { throw ScannedFrame.SyntaxError() }
                    index += 5
                default: throw ScannedFrame.SyntaxError()
                }
                continue
            }
            index += 1
        }
        throw ScannedFrame.SyntaxError()
    }

    private mutating func skipNumber() throws {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), first.isDigit else { throw ScannedFrame.SyntaxError() }
        if first == UInt8(ascii: "0") { index += 1 } else { while let d = peek(), d.isDigit { index += 1 } }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let d = peek(), d.isDigit else { throw ScannedFrame.SyntaxError() }
            while let d = peek(), d.isDigit { index += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard let d = peek(), d.isDigit else { throw ScannedFrame.SyntaxError() }
            while let d = peek(), d.isDigit { index += 1 }
        }
        if index == start { throw ScannedFrame.SyntaxError() }
    }

    private mutating func skipLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw ScannedFrame.SyntaxError() }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw ScannedFrame.SyntaxError() }
        index += count
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else { throw ScannedFrame.SyntaxError() }
        index += 1
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    fileprivate var isHexDigit: Bool {
        isDigit || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
    }
}
