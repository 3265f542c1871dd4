import CryptoModels

/// The syndication format a feed was written in.
public enum FeedFormat: String, Sendable, Hashable, Codable {
    /// RSS 2.0 (and the compatible 0.91/0.92): root `<rss>`.
    case rss
    /// Atom 1.0 (RFC 4287): root `<feed xmlns="http://www.w3.org/2005/Atom">`.
    case atom
    /// RSS 1.0 / 0.90 (RDF): root `<rdf:RDF>`.
    case rdf
}

/// A parsed feed: its own title and link, and its items in document order.
public struct Feed: Sendable, Hashable {
    /// Which format the document was.
    public var format: FeedFormat
    /// The character encoding the body was decoded from.
    public var encoding: FeedEncoding
    /// Channel / feed title, plain text.
    public var title: String?
    /// The site's home page (RSS `channel/link`, Atom `link rel="alternate"`).
    public var link: String?
    /// Items (RSS) or entries (Atom), in document order.
    public var items: [FeedItem]

    /// Creates a feed value.
    public init(format: FeedFormat, encoding: FeedEncoding, title: String?, link: String?, items: [FeedItem]) {
        self.format = format
        self.encoding = encoding
        self.title = title
        self.link = link
        self.items = items
    }
}

/// One story of a feed, cleaned: plain-text title and summary, absolute link, parsed times.
public struct FeedItem: Sendable, Hashable {
    /// Stable identity: hex SHA-256 of the normalised link, or of the guid when there is no link; `nil` with neither.
    public var id: String?
    /// Headline, plain text with whitespace collapsed and trimmed (empty when the item has none).
    public var title: String
    /// Link to the story as the feed gives it (resolved to absolute when the feed gave a relative one).
    public var link: String?
    /// RSS `guid`, Atom `id` or RDF `rdf:about`.
    public var guid: String?
    /// Plain-text summary (HTML stripped), capped to the parser's `summaryMaxLength`; `nil` when empty.
    public var summary: String?
    /// Publication time (RSS `pubDate` / `dc:date`, Atom `published`, else `updated`), epoch ms.
    public var publishedAt: EpochMillis?
    /// Last update time (`atom:updated` / Atom `updated`), epoch ms.
    public var updatedAt: EpochMillis?
    /// Categories / tags in order, without duplicates.
    public var categories: [String]
    /// Author names in order (RSS `author`, `dc:creator`; Atom `author/name`, inherited from the feed when absent).
    public var authors: [String]
    /// An image for the story (`media:content`, `media:thumbnail`, an image enclosure).
    public var imageURL: String?

    /// Creates an item value.
    public init(id: String?, title: String, link: String?, guid: String?, summary: String?, publishedAt: EpochMillis?,
                updatedAt: EpochMillis?, categories: [String], authors: [String], imageURL: String?) {
        self.id = id
        self.title = title
        self.link = link
        self.guid = guid
        self.summary = summary
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.categories = categories
        self.authors = authors
        self.imageURL = imageURL
    }
}
