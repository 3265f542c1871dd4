import Foundation

extension FeedParser {
    /// An Atom 1.0 document (RFC 4287): `<feed xmlns="http://www.w3.org/2005/Atom">…<entry>…</entry></feed>`.
    func atomFeed(_ root: XMLElement, encoding: FeedEncoding) -> Feed {
        let base = root.attribute("xml:base")
        let link = Self.atomLink(root, base: base)
        let feedAuthors = Self.atomAuthors(root)
        // Relative entry links resolve against xml:base, else (a heuristic; the document URL is not known here)
        // against the feed's own alternate link.
        let feedBase = base ?? link
        let items = root.children(Namespace.atom, "entry").map { entry in
            var entryBase = feedBase
            if let own = entry.attribute("xml:base") {
                entryBase = feedBase.flatMap { URLNormalizer.resolve(own, against: $0) } ?? own
            }
            return atomEntry(entry, base: entryBase, feedAuthors: feedAuthors)
        }
        return Feed(format: .atom, encoding: encoding, title: Self.atomText(root.child(Namespace.atom, "title")),
                    link: link, items: items)
    }

    /// One `<entry>`.
    func atomEntry(_ entry: XMLElement, base: String?, feedAuthors: [String]) -> FeedItem {
        let link = Self.atomLink(entry, base: base)
        let guid = Self.trimmedText(entry.child(Namespace.atom, "id"))

        var summary: String?
        for candidate in [entry.child(Namespace.atom, "summary"), entry.child(Namespace.atom, "content")] {
            guard let candidate, let html = Self.atomMarkup(candidate) else { continue }
            if let text = self.summary(fromHTML: html) { summary = text; break }
        }

        let categories = entry.children(Namespace.atom, "category").compactMap { category -> String? in
            let label = category.attribute("label").map(HTMLText.collapsingWhitespace)
            if let label, !label.isEmpty { return label }
            return category.attribute("term").map(HTMLText.collapsingWhitespace)
        }
        let authors = Self.atomAuthors(entry)

        var image = Self.mediaImage(entry)
        if image == nil {
            image = entry.children(Namespace.atom, "link").first(where: {
                $0.attribute("rel") == "enclosure" && $0.attribute("type")?.lowercased().hasPrefix("image/") == true
            })?.attribute("href")
        }

        let published = Self.firstDate(entry.child(Namespace.atom, "published"), entry.child(Namespace.dc, "date"))
        let updated = Self.firstDate(entry.child(Namespace.atom, "updated"))
        return FeedItem(
            id: Self.itemID(link: link, guid: guid),
            title: Self.atomText(entry.child(Namespace.atom, "title")) ?? "",
            link: link,
            guid: guid,
            summary: summary,
            publishedAt: published ?? updated,
            updatedAt: updated,
            categories: Self.unique(categories),
            authors: Self.unique(authors.isEmpty ? feedAuthors : authors),
            imageURL: image
        )
    }

    /// The `alternate` link of a feed or entry (a link with no `rel` is `alternate`), preferring `type="text/html"`;
    /// else the first link with an `href`. Relative references are resolved against `base`.
    static func atomLink(_ element: XMLElement, base: String?) -> String? {
        let links = element.children(Namespace.atom, "link").filter { !($0.attribute("href") ?? "").isEmpty }
        let alternates = links.filter { ($0.attribute("rel") ?? "alternate") == "alternate" }
        let chosen = alternates.first(where: { $0.attribute("type")?.lowercased() == "text/html" })
            ?? alternates.first ?? links.first
        guard let href = chosen?.attribute("href").map(HTMLText.collapsingWhitespace) else { return nil }
        guard let base else { return href }
        return URLNormalizer.resolve(href, against: base) ?? href
    }

    /// Names of `author` persons (the `name`, else the `email`).
    static func atomAuthors(_ element: XMLElement) -> [String] {
        element.children(Namespace.atom, "author").compactMap { author in
            trimmedText(author.child(Namespace.atom, "name")) ?? trimmedText(author.child(Namespace.atom, "email"))
        }
    }

    /// An Atom text construct as plain text: `type="text"` (default) is taken literally, `html` and `xhtml` are
    /// converted from markup.
    static func atomText(_ element: XMLElement?) -> String? {
        guard let element else { return nil }
        let text: String
        switch (element.attribute("type") ?? "text").lowercased() {
        case "html", "text/html": text = HTMLText.plainText(element.textContent)
        case "xhtml", "application/xhtml+xml": text = HTMLText.plainText(xhtmlMarkup(element))
        default: text = HTMLText.collapsingWhitespace(element.textContent)
        }
        return text.isEmpty ? nil : text
    }

    /// The markup of a `summary`/`content` construct, ready for HTML-to-text conversion; `nil` for out-of-line
    /// (`src`) or binary (base64) content.
    static func atomMarkup(_ element: XMLElement) -> String? {
        if element.attribute("src") != nil { return nil }
        let type = (element.attribute("type") ?? "text").lowercased()
        switch type {
        case "html", "text/html":
            return element.textContent
        case "xhtml", "application/xhtml+xml":
            return xhtmlMarkup(element)
        case "text", "text/plain":
            return escapeForHTML(element.textContent)
        default:
            if type.hasSuffix("+xml") || type.hasSuffix("/xml") { return element.innerMarkup }
            return type.hasPrefix("text/") ? escapeForHTML(element.textContent) : nil
        }
    }

    /// XHTML content: the children of the wrapping `<div>` (RFC 4287 §3.1.1.3), serialised.
    static func xhtmlMarkup(_ element: XMLElement) -> String {
        if let div = element.child(Namespace.xhtml, "div") ?? element.elements.first(where: { $0.localName == "div" }) {
            return div.innerMarkup
        }
        return element.innerMarkup
    }

    /// Plain text escaped so the HTML-to-text pass leaves it as it is (a literal `<b>` stays visible).
    private static func escapeForHTML(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") }) else { return text }
        return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
