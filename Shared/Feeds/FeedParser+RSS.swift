extension FeedParser {
    /// An RSS 2.0 (or 0.91/0.92) document: `<rss><channel>…<item>…</item></channel></rss>`.
    func rssFeed(_ root: XMLElement, encoding: FeedEncoding) -> Feed {
        guard let channel = root.child(Namespace.none, "channel") else {
            return Feed(format: .rss, encoding: encoding, title: nil, link: nil, items: [])
        }
        let link = Self.trimmedText(channel.child(Namespace.none, "link"))
        let items = channel.children(Namespace.none, "item").map { rssItem($0, namespace: Namespace.none, base: link) }
        return Feed(format: .rss, encoding: encoding, title: plainTitle(channel.child(Namespace.none, "title")),
                    link: link, items: items)
    }

    /// An RSS 1.0 / 0.90 document: `<rdf:RDF><channel/><item rdf:about=…/>…</rdf:RDF>` (items are siblings of
    /// the channel).
    func rdfFeed(_ root: XMLElement, encoding: FeedEncoding) -> Feed {
        let ns = root.child(Namespace.rss1, "channel") != nil || root.child(Namespace.rss1, "item") != nil
            ? Namespace.rss1 : Namespace.rss090
        let channel = root.child(ns, "channel")
        let link = Self.trimmedText(channel?.child(ns, "link"))
        let items = root.children(ns, "item").map { rssItem($0, namespace: ns, base: link) }
        return Feed(format: .rdf, encoding: encoding, title: plainTitle(channel?.child(ns, "title")), link: link,
                    items: items)
    }

    /// One `<item>`; `ns` is the namespace of the core elements (none for RSS 2.0, the RSS 1.0 URI for RDF).
    func rssItem(_ item: XMLElement, namespace ns: String, base: String?) -> FeedItem {
        let guidElement = item.child(Namespace.none, "guid")
        let guid = Self.trimmedText(guidElement) ?? item.attribute("rdf:about").flatMap { $0.isEmpty ? nil : $0 }

        var link = Self.trimmedText(item.child(ns, "link"))
        if link == nil {
            link = item.children(Namespace.atom, "link")
                .first(where: { ($0.attribute("rel") ?? "alternate") == "alternate" })?.attribute("href")
        }
        if link == nil, let guid, guidElement?.attribute("isPermaLink")?.lowercased() != "false",
           guid.lowercased().hasPrefix("http://") || guid.lowercased().hasPrefix("https://") {
            link = guid   // RSS 2.0: a guid is a permalink unless isPermaLink="false"
        }
        if let relative = link, let base { link = URLNormalizer.resolve(relative, against: base) ?? relative }

        var summary: String?
        for candidate in [item.child(ns, "description"), item.child(Namespace.content, "encoded"),
                          item.child(Namespace.dc, "description")] {
            if let html = candidate?.markup, let text = self.summary(fromHTML: html) { summary = text; break }
        }

        var authors: [String] = []
        for author in item.children(Namespace.none, "author") {
            if let text = Self.trimmedText(author) { authors.append(Self.rssAuthorName(text)) }
        }
        authors += item.children(Namespace.dc, "creator").compactMap { Self.trimmedText($0) }

        let categories = item.children(Namespace.none, "category").compactMap { Self.trimmedText($0) }
            + item.children(Namespace.dc, "subject").compactMap { Self.trimmedText($0) }

        var image = Self.mediaImage(item)
        if image == nil {
            image = item.children(Namespace.none, "enclosure").first(where: {
                $0.attribute("type")?.lowercased().hasPrefix("image/") == true
            })?.attribute("url")
        }

        return FeedItem(
            id: Self.itemID(link: link, guid: guid),
            title: plainTitle(item.child(ns, "title") ?? item.child(Namespace.dc, "title")) ?? "",
            link: link,
            guid: guid,
            summary: summary,
            publishedAt: Self.firstDate(item.child(Namespace.none, "pubDate"), item.child(Namespace.dc, "date"),
                                        item.child(Namespace.atom, "published")),
            updatedAt: Self.firstDate(item.child(Namespace.atom, "updated"), item.child(Namespace.dc, "modified")),
            categories: Self.unique(categories),
            authors: Self.unique(authors),
            imageURL: image
        )
    }

    /// An RSS title: text that feeds often double-escape, so references are decoded and stray tags removed.
    func plainTitle(_ element: XMLElement?) -> String? {
        guard let element else { return nil }
        let text = HTMLText.plainText(element.textContent)
        return text.isEmpty ? nil : text
    }

    /// The name in an RSS `author` value (`jdoe@example.com (John Doe)` → `John Doe`); other values unchanged.
    static func rssAuthorName(_ value: String) -> String {
        guard value.hasSuffix(")"), let open = value.firstIndex(of: "(") else { return value }
        let name = HTMLText.collapsingWhitespace(String(value[value.index(after: open)..<value.index(before: value.endIndex)]))
        return name.isEmpty ? value : name
    }
}
