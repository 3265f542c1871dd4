import CryptoModels
import Foundation

/// Parses RSS 2.0, Atom 1.0 and RSS 1.0 (RDF) feed bodies into `Feed` values.
///
/// The parser is a value with no shared state: one instance may be used from any number of tasks at once.
/// ```swift
/// let feed = try FeedParser().parse(data)
/// let news = feed.newsItems(source: "CoinDesk", tagger: AssetTagger(assets: assets))
/// ```
public struct FeedParser: Sendable {
    /// Limits and output settings.
    public struct Options: Sendable, Hashable {
        /// Largest body accepted, in bytes; larger bodies are refused before any parsing. Default 5 MB.
        public var maxBytes: Int
        /// Deepest element nesting accepted. Default 64 (real feeds nest fewer than 10 levels).
        public var maxDepth: Int
        /// Longest summary kept, in characters (longer ones are cut at a word boundary and end with `…`). Default 600.
        public var summaryMaxLength: Int

        /// Creates options; every parameter has the documented default.
        public init(maxBytes: Int = 5 * 1024 * 1024, maxDepth: Int = 64, summaryMaxLength: Int = HTMLText.defaultMaxLength) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.summaryMaxLength = summaryMaxLength
        }
    }

    /// The limits and settings in use.
    public var options: Options

    /// Creates a parser with `options`.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// Parses a feed body.
    /// - Throws: `FeedError` describing why the body is not a usable feed. A valid feed without items is not an error.
    public func parse(_ data: Data) throws(FeedError) -> Feed {
        guard data.count <= options.maxBytes else { throw .tooLarge(bytes: data.count, limit: options.maxBytes) }
        return try parse(bytes: [UInt8](data))
    }

    /// Parses a feed body given as bytes.
    /// - Throws: `FeedError` describing why the body is not a usable feed. A valid feed without items is not an error.
    public func parse(bytes: [UInt8]) throws(FeedError) -> Feed {
        guard bytes.count <= options.maxBytes else { throw .tooLarge(bytes: bytes.count, limit: options.maxBytes) }
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { throw .emptyBody }
        let (utf8, encoding) = try FeedEncoding.decodeToUTF8(bytes)
        let root = try utf8.withUnsafeBufferPointer { buffer throws(FeedError) -> XMLElement in
            var tokenizer = XMLTokenizer(bytes: buffer, maxDepth: options.maxDepth)
            return try tokenizer.parseDocument()
        }
        switch (root.namespace, root.localName) {
        case (Namespace.none, "rss"):
            return rssFeed(root, encoding: encoding)
        case (Namespace.atom, "feed"):
            return atomFeed(root, encoding: encoding)
        case (Namespace.rdf, "RDF"):
            return rdfFeed(root, encoding: encoding)
        default:
            throw .notAFeed(root: root.name)
        }
    }

    // MARK: Shared helpers

    /// A summary from HTML (or plain text, which passes through unchanged apart from whitespace), capped.
    func summary(fromHTML html: String) -> String? {
        let text = HTMLText.plainText(html, maxLength: options.summaryMaxLength)
        return text.isEmpty ? nil : text
    }

    /// Trimmed text content, `nil` when empty.
    static func trimmedText(_ element: XMLElement?) -> String? {
        guard let element else { return nil }
        let text = HTMLText.collapsingWhitespace(element.textContent)
        return text.isEmpty ? nil : text
    }

    /// `values` without empty strings and repeats, in first-seen order.
    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// The first parseable date among `candidates`.
    static func firstDate(_ candidates: XMLElement?...) -> EpochMillis? {
        for case let element? in candidates {
            if let text = trimmedText(element), let ms = FeedDate.parse(text) { return ms }
        }
        return nil
    }

    /// An image URL from Media RSS children of `element` (`media:content` image, `media:thumbnail`, `media:group`).
    static func mediaImage(_ element: XMLElement) -> String? {
        for content in element.children(Namespace.media, "content") {
            guard let url = content.attribute("url"), !url.isEmpty else { continue }
            let medium = content.attribute("medium")?.lowercased()
            let type = content.attribute("type")?.lowercased()
            if medium == "image" || type?.hasPrefix("image/") == true || (medium == nil && type == nil) { return url }
        }
        if let url = element.child(Namespace.media, "thumbnail")?.attribute("url"), !url.isEmpty { return url }
        for group in element.children(Namespace.media, "group") {
            if let url = mediaImage(group) { return url }
        }
        return nil
    }

    /// A stable id for an item: the hash of its normalised link, else of its guid.
    static func itemID(link: String?, guid: String?) -> String? {
        NewsIdentity.id(link: link, guid: guid)
    }
}
