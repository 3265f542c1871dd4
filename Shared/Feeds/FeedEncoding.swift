/// The character encodings a feed body can arrive in, and their conversion to UTF-8.
///
/// Detection follows XML 1.0 Appendix F: a byte order mark wins; otherwise the first bytes tell UTF-16 without a
/// BOM apart from ASCII-compatible encodings; for those, the `encoding` pseudo-attribute of the XML declaration
/// names the encoding (UTF-8 when absent). Single-byte encodings are decoded with tables written here, so the
/// result does not depend on which encodings Foundation supports on the platform.
public enum FeedEncoding: String, Sendable, Hashable, CaseIterable {
    /// UTF-8, with or without a byte order mark (also used for a declared `US-ASCII`).
    case utf8 = "UTF-8"
    /// UTF-16 little-endian (BOM `FF FE`, or `<?` as `3C 00 3F 00`).
    case utf16LittleEndian = "UTF-16LE"
    /// UTF-16 big-endian (BOM `FE FF`, or `<?` as `00 3C 00 3F`).
    case utf16BigEndian = "UTF-16BE"
    /// ISO-8859-1 (Latin-1): every byte is the code point of the same value.
    case isoLatin1 = "ISO-8859-1"
    /// windows-1252: Latin-1 with printable characters (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ) in 0x80–0x9F.
    case windows1252 = "windows-1252"
    /// ISO-8859-15 (Latin-9): Latin-1 with eight code points replaced (€ Š š Ž ž Œ œ Ÿ).
    case isoLatin9 = "ISO-8859-15"

    /// The encoding for a name found in an XML declaration (case-insensitive, common aliases accepted), or `nil`.
    public init?(declaredName: String) {
        switch declaredName.lowercased().filter({ !$0.isWhitespace }) {
        case "utf-8", "utf8", "us-ascii", "ascii", "iso-646-us", "unicode-1-1-utf-8": self = .utf8
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "iso-ir-100", "cp819", "ibm819":
            self = .isoLatin1
        case "windows-1252", "cp1252", "x-cp1252", "win-1252": self = .windows1252
        case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin9", "latin-9", "l9": self = .isoLatin9
        case "utf-16le": self = .utf16LittleEndian
        case "utf-16be": self = .utf16BigEndian
        default: return nil
        }
    }

    /// Detects the encoding of `bytes` and returns their content as UTF-8, without any byte order mark.
    ///
    /// Invalid UTF-8 sequences are kept as they are here and become U+FFFD when text is made into strings.
    /// - Throws: `FeedError.unsupportedEncoding` for UTF-32 or an unknown declared encoding;
    ///   `FeedError.malformed` for UTF-16 with an odd number of bytes.
    static func decodeToUTF8(_ bytes: [UInt8]) throws(FeedError) -> (utf8: [UInt8], encoding: FeedEncoding) {
        let n = bytes.count
        if n >= 4, bytes[0] == 0xFF, bytes[1] == 0xFE, bytes[2] == 0, bytes[3] == 0 {
            throw .unsupportedEncoding("UTF-32LE")
        }
        if n >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0xFE, bytes[3] == 0xFF {
            throw .unsupportedEncoding("UTF-32BE")
        }
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return (Array(bytes[3...]), .utf8)
        }
        if n >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            return (try utf16ToUTF8(bytes[2...], bigEndian: false), .utf16LittleEndian)
        }
        if n >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            return (try utf16ToUTF8(bytes[2...], bigEndian: true), .utf16BigEndian)
        }
        if n >= 4, bytes[0] == 0x3C, bytes[1] == 0, bytes[2] == 0x3F, bytes[3] == 0 {
            return (try utf16ToUTF8(bytes[...], bigEndian: false), .utf16LittleEndian)
        }
        if n >= 4, bytes[0] == 0, bytes[1] == 0x3C, bytes[2] == 0, bytes[3] == 0x3F {
            return (try utf16ToUTF8(bytes[...], bigEndian: true), .utf16BigEndian)
        }
        guard let declared = declaredEncodingName(bytes) else { return (bytes, .utf8) }
        guard let encoding = FeedEncoding(declaredName: declared) else {
            // A UTF-16 declaration on bytes that are plainly ASCII-compatible (no BOM, `<?xml` readable as
            // single bytes) means the body was transcoded on the way; read it as UTF-8.
            if declared.lowercased() == "utf-16" { return (bytes, .utf8) }
            throw .unsupportedEncoding(declared)
        }
        switch encoding {
        case .utf8, .utf16LittleEndian, .utf16BigEndian: return (bytes, .utf8)
        case .isoLatin1, .windows1252, .isoLatin9: return (singleByteToUTF8(bytes, encoding), encoding)
        }
    }

    /// The value of `encoding="…"` in a leading `<?xml …?>` declaration, if there is one.
    static func declaredEncodingName(_ bytes: [UInt8]) -> String? {
        var i = 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        let start: [UInt8] = Array("<?xml".utf8)
        guard bytes.count >= i + 5, Array(bytes[i..<i + 5]) == start else { return nil }
        let limit = min(bytes.count, i + 512)
        var end = i + 5
        while end + 1 < limit, !(bytes[end] == 0x3F && bytes[end + 1] == 0x3E) { end += 1 }
        let decl = bytes[i..<min(end, limit)]
        let key: [UInt8] = Array("encoding".utf8)
        guard let keyAt = decl.indices.first(where: { at in
            at + key.count <= decl.endIndex && decl[at..<at + key.count].elementsEqual(key)
        }) else { return nil }
        var j = keyAt + key.count
        while j < decl.endIndex, decl[j] == 0x20 || decl[j] == 0x09 || decl[j] == 0x0A || decl[j] == 0x0D { j += 1 }
        guard j < decl.endIndex, decl[j] == 0x3D else { return nil }
        j += 1
        while j < decl.endIndex, decl[j] == 0x20 || decl[j] == 0x09 || decl[j] == 0x0A || decl[j] == 0x0D { j += 1 }
        guard j < decl.endIndex, decl[j] == 0x22 || decl[j] == 0x27 else { return nil }
        let quote = decl[j]
        let valueStart = j + 1
        guard let valueEnd = decl[valueStart...].firstIndex(of: quote) else { return nil }
        return String(decoding: decl[valueStart..<valueEnd], as: UTF8.self)
    }

    private static func utf16ToUTF8(_ body: ArraySlice<UInt8>, bigEndian: Bool) throws(FeedError) -> [UInt8] {
        guard body.count % 2 == 0 else {
            throw .malformed(reason: "UTF-16 body has an odd number of bytes (truncated)", line: 1, column: 1)
        }
        var units = [UInt16]()
        units.reserveCapacity(body.count / 2)
        var i = body.startIndex
        while i < body.endIndex {
            let a = UInt16(body[i]), b = UInt16(body[i + 1])
            units.append(bigEndian ? (a << 8 | b) : (b << 8 | a))
            i += 2
        }
        var out = [UInt8]()
        out.reserveCapacity(units.count)
        _ = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: false) { out.append($0) }
        return out
    }

    private static func singleByteToUTF8(_ bytes: [UInt8], _ encoding: FeedEncoding) -> [UInt8] {
        if !bytes.contains(where: { $0 >= 0x80 }) { return bytes }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 { out.append(byte); continue }
            let scalar = codePoint(of: byte, in: encoding)
            if scalar < 0x800 {
                out.append(UInt8(0xC0 | (scalar >> 6)))
                out.append(UInt8(0x80 | (scalar & 0x3F)))
            } else {
                out.append(UInt8(0xE0 | (scalar >> 12)))
                out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
        return out
    }

    /// The Unicode code point of a byte ≥ 0x80 in a single-byte encoding.
    static func codePoint(of byte: UInt8, in encoding: FeedEncoding) -> UInt32 {
        switch encoding {
        case .windows1252:
            return byte < 0xA0 ? UInt32(windows1252High[Int(byte) - 0x80]) : UInt32(byte)
        case .isoLatin9:
            switch byte {
            case 0xA4: return 0x20AC
            case 0xA6: return 0x0160
            case 0xA8: return 0x0161
            case 0xB4: return 0x017D
            case 0xB8: return 0x017E
            case 0xBC: return 0x0152
            case 0xBD: return 0x0153
            case 0xBE: return 0x0178
            default: return UInt32(byte)
            }
        default:
            return UInt32(byte)
        }
    }

    /// windows-1252 bytes 0x80–0x9F (the five undefined bytes map to the C1 control of the same value, as WHATWG does).
    static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
        0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
