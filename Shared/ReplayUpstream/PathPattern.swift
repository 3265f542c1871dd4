/// A path as written in a route or fault: an exact path, or a prefix when it ends in `*`.
public struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    /// The path (normalized, without trailing slash) or the prefix (everything before `*`).
    public let text: String
    /// True when the pattern ended in `*`.
    public let isPrefix: Bool

    /// Parses `"/coingecko/api/v3/simple/price"` (exact) or `"/coingecko/*"` (prefix).
    /// - Throws: ``ReplayError/invalidSpecification(_:)`` when the path does not start with `/`
    ///   or has a `*` anywhere but at the end.
    public init(_ pattern: String) throws {
        guard pattern.hasPrefix("/") || pattern == "*" else {
            throw ReplayError.invalidSpecification("path \"\(pattern)\" must start with \"/\"")
        }
        let stars = pattern.filter { $0 == "*" }.count
        if stars > 1 || (stars == 1 && !pattern.hasSuffix("*")) {
            throw ReplayError.invalidSpecification("path \"\(pattern)\": \"*\" is only allowed once, at the end")
        }
        if pattern.hasSuffix("*") {
            self.text = String(pattern.dropLast())
            self.isPrefix = true
        } else {
            self.text = RequestKey.normalize(pattern)
            self.isPrefix = false
        }
    }

    /// Whether a request path (as sent) is selected by this pattern.
    public func matches(_ path: String) -> Bool {
        let normalized = RequestKey.normalize(path)
        if !self.isPrefix { return normalized == self.text }
        if path.hasPrefix(self.text) { return true }
        // "/coingecko/*" also selects "/coingecko" itself.
        return self.text.hasSuffix("/") && normalized + "/" == self.text
    }

    /// Ranking among matching patterns: an exact path beats any prefix, a longer prefix a shorter one.
    var specificity: Int { self.isPrefix ? self.text.count : Int.max / 2 }

    /// The pattern as written (`/x/*` for prefixes).
    public var description: String { self.isPrefix ? self.text + "*" : self.text }
}

/// Errors raised while loading routes or handling control requests.
public enum ReplayError: Error, CustomStringConvertible, Equatable {
    /// A route or fault description is malformed; the text says what is wrong.
    case invalidSpecification(String)
    /// A route names a body file that cannot be read.
    case missingFile(path: String, reason: String)
    /// The routes file cannot be read or parsed.
    case unreadableRoutesFile(path: String, reason: String)
    /// The server was asked to bind a non-loopback address.
    case notLoopback(String)
    /// The server stopped before it bound a port.
    case notRunning

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .invalidSpecification(let detail): return "invalid specification: \(detail)"
        case .missingFile(let path, let reason): return "cannot read body file \(path): \(reason)"
        case .unreadableRoutesFile(let path, let reason): return "cannot load routes file \(path): \(reason)"
        case .notLoopback(let host): return "refusing to bind \(host): only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed"
        case .notRunning: return "the replay server is not running"
        }
    }
}

/// Rejects JSON objects carrying fields a type does not know.
enum StrictKeys {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Throws `DecodingError.dataCorrupted` naming the unknown fields and the allowed ones.
    static func rejectUnknown<Key: CodingKey & CaseIterable>(
        in decoder: any Decoder, allowed: Key.Type, what: String
    ) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { Key(stringValue: $0) == nil }.sorted()
        guard unknown.isEmpty else {
            let known = Key.allCases.map(\.stringValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown \(what) field(s) \(unknown.joined(separator: ", ")); known: \(known)"))
        }
    }
}
