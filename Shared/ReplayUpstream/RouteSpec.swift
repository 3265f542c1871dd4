/// One route as written in a routes file or posted to `POST /_control/routes`.
///
/// ```json
/// {"method": "GET", "path": "/coingecko/api/v3/simple/price",
///  "query": {"ids": "bitcoin", "vs_currencies": "usd"},
///  "file": "coingecko/simple_price.json", "status": 200,
///  "headers": {"content-type": "application/json; charset=utf-8"}}
/// ```
/// Exactly one of `file` (relative to the fixtures directory) and `body` (inline text) gives the body.
public struct RouteSpec: Codable, Sendable, Equatable {
    /// Optional label shown in the hit log and in 404 hints.
    public var name: String?
    /// HTTP method; `GET` when absent, `*` for any method.
    public var method: String?
    /// Full request path (`/coingecko/api/v3/simple/price`), or a prefix ending in `*`.
    public var path: String
    /// Parameters that must be present with these values; any other parameter is allowed.
    public var query: [String: QueryExpectation]?
    /// When true, the request must carry no parameters besides those named in `query`.
    public var exactQuery: Bool?
    /// Body file, relative to the fixtures directory (`coingecko/simple_price.json`).
    public var file: String?
    /// Inline body text (used instead of `file`).
    public var body: String?
    /// Response status; 200 when absent.
    public var status: Int?
    /// Response headers (`content-type`, `retry-after`, …); content-type is inferred when absent.
    public var headers: [String: String]?
    /// Entity tag sent as `ETag` and compared with `If-None-Match`; `"auto"` derives one from the body.
    public var etag: String?
    /// HTTP date sent as `Last-Modified` and compared with `If-Modified-Since`.
    public var lastModified: String?
    /// When set (`rate_limit` or `status`), the route is never served on its own: it supplies the
    /// body, status and headers used when a fault of that kind hits a matching request.
    public var onFault: String?
    /// Free text for humans (where the capture came from, why the query is what it is).
    public var note: String?

    /// Creates a route specification.
    public init(
        name: String? = nil, method: String? = nil, path: String,
        query: [String: QueryExpectation]? = nil, exactQuery: Bool? = nil,
        file: String? = nil, body: String? = nil, status: Int? = nil,
        headers: [String: String]? = nil, etag: String? = nil, lastModified: String? = nil,
        onFault: String? = nil, note: String? = nil
    ) {
        self.name = name
        self.method = method
        self.path = path
        self.query = query
        self.exactQuery = exactQuery
        self.file = file
        self.body = body
        self.status = status
        self.headers = headers
        self.etag = etag
        self.lastModified = lastModified
        self.onFault = onFault
        self.note = note
    }

    /// Snake-case names used on the wire.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, method, path, query, file, body, status, headers, etag, note
        case exactQuery = "exact_query"
        case lastModified = "last_modified"
        case onFault = "on_fault"
    }

    /// Decodes a route, rejecting unknown fields (a misspelt `exact_query` must not be silently ignored).
    public init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self, what: "route")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decodeIfPresent(String.self, forKey: .name),
            method: try container.decodeIfPresent(String.self, forKey: .method),
            path: try container.decode(String.self, forKey: .path),
            query: try container.decodeIfPresent([String: QueryExpectation].self, forKey: .query),
            exactQuery: try container.decodeIfPresent(Bool.self, forKey: .exactQuery),
            file: try container.decodeIfPresent(String.self, forKey: .file),
            body: try container.decodeIfPresent(String.self, forKey: .body),
            status: try container.decodeIfPresent(Int.self, forKey: .status),
            headers: try container.decodeIfPresent([String: String].self, forKey: .headers),
            etag: try container.decodeIfPresent(String.self, forKey: .etag),
            lastModified: try container.decodeIfPresent(String.self, forKey: .lastModified),
            onFault: try container.decodeIfPresent(String.self, forKey: .onFault),
            note: try container.decodeIfPresent(String.self, forKey: .note))
    }
}

/// What a route requires of one query parameter.
public enum QueryExpectation: Codable, Sendable, Equatable, ExpressibleByStringLiteral {
    /// The parameter must be present with exactly this (decoded) value.
    case equals(String)
    /// The parameter must be present with any value (written `"*"`).
    case present
    /// The parameter must not be sent (written `null`).
    case absent

    /// `"*"` means any value; any other string must match exactly.
    public init(stringLiteral value: String) {
        self = value == "*" ? .present : .equals(value)
    }

    /// Decodes a string, `"*"`, `null`, or a number/bool written without quotes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .absent
        } else if let text = try? container.decode(String.self) {
            self.init(stringLiteral: text)
        } else if let integer = try? container.decode(Int.self) {
            self = .equals(String(integer))
        } else if let flag = try? container.decode(Bool.self) {
            self = .equals(String(flag))
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a query expectation must be a string, \"*\", a number, a bool or null")
        }
    }

    /// Encodes back to the routes-file form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .equals(let value): try container.encode(value)
        case .present: try container.encode("*")
        case .absent: try container.encodeNil()
        }
    }

    /// Whether the values sent for the parameter satisfy this expectation.
    func isSatisfied(by values: [String]) -> Bool {
        switch self {
        case .equals(let expected): return values.contains(expected)
        case .present: return !values.isEmpty
        case .absent: return values.isEmpty
        }
    }
}

/// The top level of a routes file: either `{"routes": [...]}` or a bare array of routes.
public struct RoutesFile: Decodable, Sendable {
    /// The routes in file order.
    public var routes: [RouteSpec]

    /// Accepts both the object and the bare-array form.
    public init(from decoder: any Decoder) throws {
        if (try? decoder.unkeyedContainer()) != nil {
            self.routes = try [RouteSpec](from: decoder)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.routes = try container.decode([RouteSpec].self, forKey: .routes)
    }

    /// The object form's single key.
    enum CodingKeys: String, CodingKey { case routes }
}
