/// Turns the HTML found in feed descriptions into clean plain text.
public enum HTMLText {
    /// The default cap on summary length, in characters.
    public static let defaultMaxLength = 600

    /// Plain text of an HTML fragment: tags removed (block-level tags and `<br>`/`<img>` become a space so words do
    /// not run together), `<script>`, `<style>`, `<noscript>`, `<template>` and `<iframe>` dropped with their
    /// content, comments dropped, character and entity references decoded, whitespace (including no-break spaces)
    /// collapsed to single spaces and trimmed. A lone `<` that does not start a tag is kept (`BTC < $100k`).
    ///
    /// When `maxLength` is given and the text is longer, it is cut at a word boundary and ends with `…`
    /// (the result then has at most `maxLength` characters).
    public static func plainText(_ html: String, maxLength: Int? = nil) -> String {
        var html = html
        let text = html.withUTF8 { raw in
            var out: [UInt8] = []
            out.reserveCapacity(raw.count)
            strip(raw, into: &out)
            return collapse(out)
        }
        guard let maxLength else { return text }
        return truncate(text, to: maxLength)
    }

    /// `text` with runs of whitespace (ASCII and U+00A0) collapsed to one space and the ends trimmed; no other change.
    public static func collapsingWhitespace(_ text: String) -> String {
        var text = text
        return text.withUTF8 { raw in
            isCollapsed(raw) ? nil : collapse(Array(raw))
        } ?? text
    }

    /// Whether `bytes` already has no leading, trailing, repeated or non-space whitespace (the common case).
    private static func isCollapsed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return true }
        if first == 0x20 || last == 0x20 { return false }
        var previousSpace = false
        for b in bytes {
            switch b {
            case 0x20:
                if previousSpace { return false }
                previousSpace = true
            case 0x09, 0x0A, 0x0D, 0x0C, 0xA0:   // 0xA0 only occurs inside U+00A0 (C2 A0) or other sequences
                return false
            default:
                previousSpace = false
            }
        }
        return true
    }

    /// `text` cut to at most `maxLength` characters at a word boundary, ending with `…` when anything was cut.
    public static func truncate(_ text: String, to maxLength: Int) -> String {
        if text.utf8.count <= maxLength { return text }   // never more characters than UTF-8 bytes
        guard maxLength > 1, text.count > maxLength else { return maxLength <= 1 && text.count > maxLength ? "…" : text }
        var cut = text.prefix(maxLength - 1)
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) >= maxLength / 2 {
            cut = cut[..<space]
        }
        while let last = cut.last, last == " " || last == "," || last == ";" || last == ":" { cut.removeLast() }
        return String(cut) + "…"
    }

    private static let dropContent: Set<String> = ["script", "style", "noscript", "template", "iframe"]
    private static let spaceTags: Set<String> = [
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p",
        "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video", "audio", "picture",
    ]

    private static func strip(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let end = p.count
        var i = 0
        while i < end {
            let b = p[i]
            if b == UInt8(ascii: "&") {
                if let next = CharacterReferences.decode(p, at: i, end: end, into: &out) { i = next } else {
                    out.append(b); i += 1
                }
                continue
            }
            guard b == UInt8(ascii: "<"), i + 1 < end else { out.append(b); i += 1; continue }
            let c = p[i + 1]
            if c == UInt8(ascii: "!") {
                if i + 3 < end, p[i + 2] == UInt8(ascii: "-"), p[i + 3] == UInt8(ascii: "-") {
                    i = index(after: "-->", in: p, from: i + 4) ?? end
                } else {
                    i = skipTag(p, from: i)
                }
                continue
            }
            if c == UInt8(ascii: "?") { i = skipTag(p, from: i); continue }
            let closing = c == UInt8(ascii: "/")
            let nameStart = closing ? i + 2 : i + 1
            guard nameStart < end, isLetter(p[nameStart]) else { out.append(b); i += 1; continue }
            var nameEnd = nameStart
            while nameEnd < end, isLetter(p[nameEnd]) || (p[nameEnd] >= 0x30 && p[nameEnd] <= 0x39) { nameEnd += 1 }
            let name = String(unsafeUninitializedCapacity: nameEnd - nameStart) { out in
                for k in nameStart..<nameEnd { out[k - nameStart] = p[k] | 0x20 }
                return nameEnd - nameStart
            }
            i = skipTag(p, from: i)
            if !closing, dropContent.contains(name) {
                i = indexOfClosingTag(name, in: p, from: i) ?? end
                out.append(0x20)
            } else if spaceTags.contains(name) {
                out.append(0x20)
            }
        }
    }

    /// The index just past the `>` that ends the tag starting at `from`, honouring quoted attribute values.
    private static func skipTag(_ p: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from + 1
        var quote: UInt8 = 0
        while i < p.count {
            let b = p[i]
            if quote != 0 { if b == quote { quote = 0 } } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                quote = b
            } else if b == UInt8(ascii: ">") {
                return i + 1
            }
            i += 1
        }
        return p.count
    }

    /// The index just past `</name …>` (case-insensitive) at or after `from`, or `nil`.
    private static func indexOfClosingTag(_ name: String, in p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let n = Array(name.utf8)
        var i = from
        while i + 2 + n.count <= p.count {
            if p[i] == UInt8(ascii: "<"), p[i + 1] == UInt8(ascii: "/") {
                var ok = true
                for k in 0..<n.count where p[i + 2 + k] | 0x20 != n[k] { ok = false; break }
                if ok { return skipTag(p, from: i) }
            }
            i += 1
        }
        return nil
    }

    private static func index(after literal: StaticString, in p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let n = literal.utf8CodeUnitCount
        let l = literal.utf8Start
        var i = from
        while i + n <= p.count {
            var ok = true
            for k in 0..<n where p[i + k] != l[k] { ok = false; break }
            if ok { return i + n }
            i += 1
        }
        return nil
    }

    @inline(__always) private static func isLetter(_ b: UInt8) -> Bool {
        b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")
    }

    /// Collapses ASCII whitespace and U+00A0 runs into one space, trimming both ends.
    private static func collapse(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        var k = 0
        let n = bytes.count
        while k < n {
            let b = bytes[k]
            if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C {
                pendingSpace = true; k += 1; continue
            }
            if b == 0xC2, k + 1 < n, bytes[k + 1] == 0xA0 { pendingSpace = true; k += 2; continue }
            if pendingSpace, !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            out.append(b)
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
