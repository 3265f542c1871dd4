/// Why a feed body could not be turned into items.
///
/// Every failure of the parser is one of these cases, with a short, human-readable reason: a malformed body never
/// crashes and never yields invented items. A well-formed feed with no items is *not* an error.
public enum FeedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is larger than the configured maximum; nothing was parsed.
    case tooLarge(bytes: Int, limit: Int)
    /// The body has no bytes (or only whitespace).
    case emptyBody
    /// The prolog declares an encoding this library cannot decode, or the byte order mark names one (UTF-32).
    case unsupportedEncoding(String)
    /// The document has a `<!DOCTYPE …>` or `<!ENTITY …>` declaration; these are refused (no XXE, no entity bombs).
    case doctypeNotAllowed
    /// Elements are nested deeper than the configured maximum.
    case tooDeep(limit: Int)
    /// The bytes are not well-formed XML: `reason` says what was wrong, `line` and `column` (1-based) where.
    case malformed(reason: String, line: Int, column: Int)
    /// Well-formed XML whose root element is not `rss`, `feed` (Atom) or `rdf:RDF` (RSS 1.0).
    case notAFeed(root: String)

    /// A one-line description suitable for logs and problem details.
    public var description: String {
        switch self {
        case let .tooLarge(bytes, limit): "feed body is \(bytes) bytes, over the \(limit)-byte limit"
        case .emptyBody: "feed body is empty"
        case let .unsupportedEncoding(name): "unsupported character encoding \"\(name)\""
        case .doctypeNotAllowed: "DOCTYPE and entity declarations are not allowed in feeds"
        case let .tooDeep(limit): "elements nested deeper than \(limit) levels"
        case let .malformed(reason, line, column): "malformed XML at line \(line), column \(column): \(reason)"
        case let .notAFeed(root): "not an RSS or Atom feed (root element <\(root)>)"
        }
    }
}
