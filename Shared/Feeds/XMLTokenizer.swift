/// A small, strict, non-validating XML parser over UTF-8 bytes that builds an `XMLElement` tree.
///
/// It handles the XML declaration and processing instructions (skipped), comments, CDATA sections, self-closing
/// elements, attributes in single or double quotes, namespace declarations and prefixes, the five predefined
/// entities, decimal and hexadecimal character references and the HTML 4 named entities (undeclared in XML, but
/// common in feeds). It refuses `<!DOCTYPE` and `<!ENTITY` outright, so no external entity or entity expansion
/// can happen. Well-formedness errors (mismatched or unclosed tags, markup outside the root, bad names) throw
/// `FeedError.malformed` with a line and column. Every byte access is bounds-checked against `end`, so arbitrary
/// input cannot read out of range.
struct XMLTokenizer {
    private let p: UnsafeBufferPointer<UInt8>
    private let end: Int
    private let maxDepth: Int
    private var i = 0
    /// Namespace bindings in scope, innermost last.
    private var bindings: [(prefix: String, uri: String)] = []
    /// Most attributes accepted on one element (the duplicate check is quadratic; real feeds use a handful).
    static let maxAttributes = 256
    /// Most namespace declarations in scope at once (each element's prefix lookup scans them; feeds use ~10).
    static let maxBindings = 128

    /// Prepares to parse `bytes` (UTF-8, no BOM), allowing at most `maxDepth` nested elements.
    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        p = bytes
        end = bytes.count
        self.maxDepth = maxDepth
    }

    /// Parses the whole document and returns its root element.
    mutating func parseDocument() throws(FeedError) -> XMLElement {
        var stack: [XMLElement] = []
        var marks: [Int] = []          // bindings.count before each open element
        var pending: [UInt8] = []      // character data not yet attached to the open element
        var root: XMLElement?

        func flush(_ pending: inout [UInt8], into stack: inout [XMLElement]) {
            guard !pending.isEmpty, !stack.isEmpty else { pending.removeAll(keepingCapacity: true); return }
            stack[stack.count - 1].children.append(.text(String(decoding: pending, as: UTF8.self)))
            pending.removeAll(keepingCapacity: true)
        }

        while i < end {
            if p[i] != UInt8(ascii: "<") {
                let start = i
                while i < end, p[i] != UInt8(ascii: "<") { i += 1 }
                if stack.isEmpty {
                    for k in start..<i where !isSpace(p[k]) {
                        throw fail(root == nil ? "text before the root element (not XML?)" : "text after the root element", at: k)
                    }
                } else {
                    appendDecoded(start, i, to: &pending)
                }
                continue
            }
            // Markup.
            if matches("<!--") {
                guard let close = find("-->", from: i + 4) else { throw fail("unterminated comment", at: i) }
                i = close + 3
            } else if matches("<![CDATA[") {
                guard !stack.isEmpty else { throw fail("CDATA section outside the root element", at: i) }
                guard let close = find("]]>", from: i + 9) else { throw fail("unterminated CDATA section", at: i) }
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: p[(i + 9)..<close]))
                i = close + 3
            } else if matches("<!") {
                if matchesIgnoringCase("<!DOCTYPE") || matchesIgnoringCase("<!ENTITY") { throw .doctypeNotAllowed }
                throw fail("unexpected markup declaration", at: i)
            } else if matches("<?") {
                guard let close = find("?>", from: i + 2) else { throw fail("unterminated processing instruction", at: i) }
                i = close + 2
            } else if matches("</") {
                flush(&pending, into: &stack)
                let tagStart = i
                i += 2
                let name = try readName(context: "end tag")
                skipSpace()
                guard i < end, p[i] == UInt8(ascii: ">") else { throw fail("malformed end tag </\(name)", at: tagStart) }
                i += 1
                guard let element = stack.popLast() else { throw fail("end tag </\(name)> with no open element", at: tagStart) }
                guard element.name == name else {
                    throw fail("end tag </\(name)> does not match <\(element.name)>", at: tagStart)
                }
                bindings.removeSubrange(marks.removeLast()...)
                if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(.element(element)) }
            } else {
                flush(&pending, into: &stack)
                if root != nil, stack.isEmpty { throw fail("second root element", at: i) }
                if stack.count >= maxDepth { throw .tooDeep(limit: maxDepth) }
                let mark = bindings.count
                let (element, selfClosing) = try readStartTag()
                if selfClosing {
                    bindings.removeSubrange(mark...)
                    if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(.element(element)) }
                } else {
                    marks.append(mark)
                    stack.append(element)
                }
            }
        }
        if let open = stack.last { throw fail("document ends inside <\(open.name)> (truncated?)", at: end) }
        guard let root else { throw fail("no root element (not XML?)", at: end) }
        return root
    }

    // MARK: Tags

    private mutating func readStartTag() throws(FeedError) -> (XMLElement, selfClosing: Bool) {
        let tagStart = i
        i += 1
        let name = try readName(context: "start tag")
        var attributes: [XMLAttribute] = []
        var selfClosing = false
        while true {
            skipSpace()
            guard i < end else { throw fail("document ends inside the <\(name)> tag (truncated?)", at: tagStart) }
            if p[i] == UInt8(ascii: ">") { i += 1; break }
            if p[i] == UInt8(ascii: "/") {
                guard i + 1 < end, p[i + 1] == UInt8(ascii: ">") else { throw fail("stray '/' in <\(name)>", at: i) }
                i += 2
                selfClosing = true
                break
            }
            let attrName = try readName(context: "attribute of <\(name)>")
            skipSpace()
            guard i < end, p[i] == UInt8(ascii: "=") else { throw fail("attribute \(attrName) of <\(name)> has no value", at: i) }
            i += 1
            skipSpace()
            guard i < end, p[i] == UInt8(ascii: "\"") || p[i] == UInt8(ascii: "'") else {
                throw fail("attribute \(attrName) of <\(name)> is not quoted", at: i)
            }
            let quote = p[i]
            let valueStart = i + 1
            var j = valueStart
            while j < end, p[j] != quote { j += 1 }
            guard j < end else { throw fail("unterminated value of attribute \(attrName)", at: i) }
            var valueBytes: [UInt8] = []
            appendDecoded(valueStart, j, to: &valueBytes)
            for k in valueBytes.indices where valueBytes[k] == 0x09 || valueBytes[k] == 0x0A || valueBytes[k] == 0x0D {
                valueBytes[k] = 0x20
            }
            i = j + 1
            let value = String(decoding: valueBytes, as: UTF8.self)
            if attributes.count >= Self.maxAttributes {
                throw fail("more than \(Self.maxAttributes) attributes on <\(name)>", at: tagStart)
            }
            if bindings.count >= Self.maxBindings {
                throw fail("more than \(Self.maxBindings) namespace declarations in scope", at: tagStart)
            }
            if attrName == "xmlns" {
                bindings.append(("", value))
            } else if attrName.utf8.count > 6, attrName.hasPrefix("xmlns:") {
                bindings.append((String(attrName.dropFirst(6)), value))
            }
            if !attributes.contains(where: { $0.name == attrName }) {
                attributes.append(XMLAttribute(name: attrName, value: value))
            }
        }
        let (prefix, local) = split(name)
        let element = XMLElement(name: name, localName: local, namespace: resolve(prefix), attributes: attributes)
        return (element, selfClosing)
    }

    private func split(_ name: String) -> (prefix: String, local: String) {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return ("", name) }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }

    /// The namespace URI bound to `prefix`, falling back to well-known prefixes a feed forgot to declare.
    private func resolve(_ prefix: String) -> String {
        var uri: String?
        for binding in bindings.reversed() where binding.prefix == prefix { uri = binding.uri; break }
        guard let uri else { return prefix.isEmpty ? Namespace.none : (Namespace.wellKnownPrefixes[prefix] ?? "") }
        return Namespace.canonical(uri)
    }

    private mutating func readName(context: String) throws(FeedError) -> String {
        let start = i
        guard i < end, isNameStart(p[i]) else { throw fail("invalid name in \(context)", at: i) }
        i += 1
        while i < end, isNameByte(p[i]) { i += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: p[start..<i]), as: UTF8.self)
    }

    // MARK: Text

    /// Appends `p[start..<stop]` to `out`, decoding character and entity references.
    private func appendDecoded(_ start: Int, _ stop: Int, to out: inout [UInt8]) {
        var runStart = start
        var k = start
        while k < stop {
            if p[k] == UInt8(ascii: "&") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<k]))
                if let next = CharacterReferences.decode(p, at: k, end: stop, into: &out) {
                    k = next
                } else {
                    out.append(UInt8(ascii: "&"))   // a bare '&' is kept literally (common in feeds)
                    k += 1
                }
                runStart = k
            } else {
                k += 1
            }
        }
        if runStart < stop { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<stop])) }
    }

    // MARK: Byte helpers

    private func matches(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard i + n <= end else { return false }
        let l = literal.utf8Start
        for k in 0..<n where p[i + k] != l[k] { return false }
        return true
    }

    private func matchesIgnoringCase(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard i + n <= end else { return false }
        let l = literal.utf8Start
        for k in 0..<n where p[i + k] | 0x20 != l[k] | 0x20 { return false }
        return true
    }

    /// The index of the next occurrence of `literal` at or after `from`, or `nil`.
    private func find(_ literal: StaticString, from: Int) -> Int? {
        let n = literal.utf8CodeUnitCount
        let l = literal.utf8Start
        var k = from
        while k + n <= end {
            if p[k] == l[0] {
                var ok = true
                for m in 1..<n where p[k + m] != l[m] { ok = false; break }
                if ok { return k }
            }
            k += 1
        }
        return nil
    }

    private mutating func skipSpace() { while i < end, isSpace(p[i]) { i += 1 } }

    @inline(__always) private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }

    @inline(__always) private func isNameStart(_ b: UInt8) -> Bool {
        (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b == UInt8(ascii: "_")
            || b == UInt8(ascii: ":") || b >= 0x80
    }

    @inline(__always) private func isNameByte(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
            || b == UInt8(ascii: ".")
    }

    /// A `malformed` error with the 1-based line and column of byte offset `offset`.
    private func fail(_ reason: String, at offset: Int) -> FeedError {
        var line = 1, lineStart = 0
        for k in 0..<min(offset, end) where p[k] == 0x0A { line += 1; lineStart = k + 1 }
        return .malformed(reason: reason, line: line, column: max(1, offset - lineStart + 1))
    }
}
