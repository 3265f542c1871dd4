/// The parts of an incoming request that route and fault matching look at.
///
/// The path is kept as sent (percent-encoding untouched) but a trailing slash is ignored
/// for matching, so `/alternative_me/fng` and `/alternative_me/fng/` select the same capture.
/// Query parameters are percent-decoded; their order never matters.
public struct RequestKey: Sendable, Equatable {
    /// HTTP method, upper-case (`GET`, `POST`, …).
    public var method: String
    /// The request path as sent, without the query string.
    public var path: String
    /// The raw query string as sent (without `?`), or `nil` when there was none.
    public var rawQuery: String?
    /// Decoded query parameters in the order they were sent; a name may repeat.
    public var parameters: [(name: String, value: String)]

    /// Creates a key from a method, a path and a raw query string.
    public init(method: String, path: String, rawQuery: String?) {
        self.method = method.uppercased()
        self.path = path.isEmpty ? "/" : path
        let query = rawQuery.flatMap { $0.isEmpty ? nil : $0 }
        self.rawQuery = query
        self.parameters = query.map(QueryString.parse) ?? []
    }

    /// The path used for matching: the trailing slash (if any, and not the root) removed.
    public var normalizedPath: String { Self.normalize(self.path) }

    /// `path` followed by `?rawQuery` when there is a query: the key used for per-request hit counts.
    public var pathAndQuery: String {
        guard let rawQuery else { return self.path }
        return "\(self.path)?\(rawQuery)"
    }

    /// All values sent for a parameter name, in order.
    public func values(for name: String) -> [String] {
        self.parameters.filter { $0.name == name }.map(\.value)
    }

    /// The parameters as a dictionary; when a name repeats the last value wins.
    public var parameterDictionary: [String: String] {
        var result: [String: String] = [:]
        for parameter in self.parameters { result[parameter.name] = parameter.value }
        return result
    }

    /// Removes one trailing slash from a path, except from the root path.
    static func normalize(_ path: String) -> String {
        guard path.count > 1, path.hasSuffix("/") else { return path }
        return String(path.dropLast())
    }

    /// Compares method, path and the raw query.
    public static func == (lhs: RequestKey, rhs: RequestKey) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.rawQuery == rhs.rawQuery
    }
}

/// Query-string parsing shared by the request key and the control API.
enum QueryString {
    /// Splits `a=1&b=x%2Cy&flag` into decoded `(name, value)` pairs (`flag` gets an empty value).
    static func parse(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            if let equals = item.firstIndex(of: "=") {
                let name = String(item[item.startIndex..<equals])
                let value = String(item[item.index(after: equals)...])
                return (percentDecode(name), percentDecode(value))
            }
            return (percentDecode(String(item)), "")
        }
    }

    /// Decodes `%XX` escapes; a malformed escape is kept literally. `+` is left as is.
    static func percentDecode(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hexValue(iterator[iterator.startIndex]),
               let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
