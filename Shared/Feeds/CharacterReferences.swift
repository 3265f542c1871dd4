/// Decoding of character and entity references (`&amp;`, `&#8217;`, `&#x20AC;`, `&rsquo;`) on UTF-8 bytes.
///
/// Shared by the XML tokenizer (text and attribute values) and the HTML-to-text converter. A reference that is not
/// well-formed or names an unknown entity is left as literal text, so `AT&T` and `&unknown;` survive unchanged.
enum CharacterReferences {
    /// Decodes the reference starting at `bytes[start]` (which must be `&`), appending its UTF-8 to `out`.
    ///
    /// - Returns: the index just past the terminating `;`, or `nil` (and nothing appended) when the text at `start`
    ///   is not a reference this decoder knows.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int, into out: inout [UInt8]) -> Int? {
        var i = start + 1
        guard i < end else { return nil }
        if bytes[i] == UInt8(ascii: "#") {
            i += 1
            var hex = false
            if i < end, bytes[i] == UInt8(ascii: "x") || bytes[i] == UInt8(ascii: "X") { hex = true; i += 1 }
            var value: UInt64 = 0   // at most 9 digits are read: no overflow
            var digits = 0
            while i < end, digits <= 8 {
                let b = bytes[i]
                let digit: UInt64
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: digit = UInt64(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: digit = UInt64(b - UInt8(ascii: "A") + 10)
                default: digit = 99
                }
                if digit == 99 { break }
                value = value * (hex ? 16 : 10) + digit
                digits += 1
                i += 1
            }
            guard digits > 0, digits <= 8, i < end, bytes[i] == UInt8(ascii: ";") else { return nil }
            appendUTF8(sanitized(value > 0x10FFFF ? 0x110000 : UInt32(value)), to: &out)
            return i + 1
        }
        let nameStart = i
        while i < end, i - nameStart <= 32, isNameByte(bytes[i]) { i += 1 }
        guard i > nameStart, i < end, bytes[i] == UInt8(ascii: ";") else { return nil }
        let nameEnd = i
        // The five predefined XML entities without a dictionary lookup.
        switch nameEnd - nameStart {
        case 2 where bytes[nameStart + 1] == UInt8(ascii: "t"):
            if bytes[nameStart] == UInt8(ascii: "l") { out.append(UInt8(ascii: "<")); return i + 1 }
            if bytes[nameStart] == UInt8(ascii: "g") { out.append(UInt8(ascii: ">")); return i + 1 }
        case 3 where bytes[nameStart] == UInt8(ascii: "a") && bytes[nameStart + 1] == UInt8(ascii: "m")
            && bytes[nameStart + 2] == UInt8(ascii: "p"):
            out.append(UInt8(ascii: "&")); return i + 1
        default: break
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd]), as: UTF8.self)
        guard let scalar = HTMLEntities.codePoints[name] else { return nil }
        appendUTF8(scalar, to: &out)
        return i + 1
    }

    /// A numeric reference's value made safe: NUL, surrogates and values past U+10FFFF become U+FFFD, and
    /// 0x80–0x9F are read as windows-1252 (as browsers do; `&#146;` in old feeds means ’).
    static func sanitized(_ value: UInt32) -> UInt32 {
        if value == 0 || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return 0xFFFD }
        if (0x80...0x9F).contains(value) { return UInt32(FeedEncoding.windows1252High[Int(value) - 0x80]) }
        return value
    }

    /// Appends the UTF-8 encoding of a valid code point.
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    @inline(__always)
    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}
