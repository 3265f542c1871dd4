/// A node of a parsed XML document: an element or a run of character data (text and CDATA merged).
enum XMLNode: Sendable {
    /// A child element.
    case element(XMLElement)
    /// Character data with references already decoded.
    case text(String)
}

/// One attribute of an element, by qualified name (`xml:base`, `href`).
struct XMLAttribute: Sendable {
    /// The attribute's qualified name as written.
    var name: String
    /// The decoded value.
    var value: String
}

/// An element of a parsed XML document, with its namespace resolved.
struct XMLElement: Sendable {
    /// The qualified name as written (`dc:creator`).
    var name: String
    /// The name without prefix (`creator`).
    var localName: String
    /// The namespace URI the prefix (or default namespace) resolves to; empty for none.
    var namespace: String
    /// Attributes in document order.
    var attributes: [XMLAttribute] = []
    /// Child nodes in document order.
    var children: [XMLNode] = []

    /// The value of the attribute with this qualified name, if present.
    func attribute(_ name: String) -> String? {
        attributes.first(where: { $0.name == name })?.value
    }

    /// The first child element with this namespace and local name.
    func child(_ namespace: String, _ localName: String) -> XMLElement? {
        for case let .element(e) in children where e.localName == localName && e.namespace == namespace { return e }
        return nil
    }

    /// All child elements with this namespace and local name, in order.
    func children(_ namespace: String, _ localName: String) -> [XMLElement] {
        var found: [XMLElement] = []
        for case let .element(e) in children where e.localName == localName && e.namespace == namespace {
            found.append(e)
        }
        return found
    }

    /// All child elements, in order.
    var elements: [XMLElement] {
        var found: [XMLElement] = []
        for case let .element(e) in children { found.append(e) }
        return found
    }

    /// The concatenated character data of this element and all its descendants.
    var textContent: String {
        if children.count == 1, case let .text(t) = children[0] { return t }
        var out = ""
        appendText(to: &out)
        return out
    }

    private func appendText(to out: inout String) {
        for child in children {
            switch child {
            case let .text(t): out += t
            case let .element(e): e.appendText(to: &out)
            }
        }
    }

    /// The element's content as markup: its text when it has only text (HTML inside CDATA or escaped), else its
    /// children serialised (HTML written as unescaped child elements, which some feeds do).
    var markup: String {
        for case .element in children { return innerMarkup }
        return textContent
    }

    /// The children serialised back to markup (used for Atom `type="xhtml"` content, which arrives as elements).
    var innerMarkup: String {
        var out = ""
        for child in children { Self.serialize(child, into: &out) }
        return out
    }

    private static func serialize(_ node: XMLNode, into out: inout String) {
        switch node {
        case let .text(t):
            out += escape(t)
        case let .element(e):
            out += "<" + e.localName
            for a in e.attributes where !a.name.hasPrefix("xmlns") {
                out += " " + a.name + "=\"" + escape(a.value) + "\""
            }
            out += ">"
            for c in e.children { serialize(c, into: &out) }
            out += "</" + e.localName + ">"
        }
    }

    private static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "\"") })
        else { return s }
        var r = ""
        for ch in s {
            switch ch {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case "\"": r += "&quot;"
            default: r.append(ch)
            }
        }
        return r
    }
}

/// Namespace URIs of the feed vocabularies this library reads.
enum Namespace {
    /// RSS 2.0 / 0.9x elements have no namespace.
    static let none = ""
    /// Atom 1.0 (RFC 4287).
    static let atom = "http://www.w3.org/2005/Atom"
    /// Dublin Core elements (`dc:creator`, `dc:date`, `dc:subject`).
    static let dc = "http://purl.org/dc/elements/1.1/"
    /// RSS content module (`content:encoded`).
    static let content = "http://purl.org/rss/1.0/modules/content/"
    /// Media RSS (`media:content`, `media:thumbnail`).
    static let media = "http://search.yahoo.com/mrss/"
    /// RDF (`rdf:RDF`, `rdf:about`).
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    /// RSS 1.0 elements.
    static let rss1 = "http://purl.org/rss/1.0/"
    /// RSS 0.90 elements (the Netscape RDF vocabulary).
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    /// XHTML (Atom `type="xhtml"` content).
    static let xhtml = "http://www.w3.org/1999/xhtml"

    /// URIs assumed for well-known prefixes that a feed uses without declaring (a namespace error many feeds make).
    static let wellKnownPrefixes: [String: String] = [
        "atom": atom, "dc": dc, "content": content, "media": media, "rdf": rdf, "xhtml": xhtml,
        "xml": "http://www.w3.org/XML/1998/namespace",
    ]

    /// `uri`, or the URI this library reads it as: Media RSS without its trailing slash is Media RSS, and the
    /// namespaces some RSS 2.0 feeds declare as default (Userland's, Harvard's) mean plain RSS 2.0.
    static func canonical(_ uri: String) -> String {
        switch uri {
        case "http://search.yahoo.com/mrss": media
        case "http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss": none
        default: uri
        }
    }
}
