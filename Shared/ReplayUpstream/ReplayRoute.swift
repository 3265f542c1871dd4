import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A route ready to serve: its specification checked and its body loaded into memory.
public struct ReplayRoute: Sendable {
    /// The specification it was built from.
    public let spec: RouteSpec
    /// Upper-case method, or `*` for any.
    public let method: String
    /// The path (or prefix) it answers.
    public let pattern: PathPattern
    /// Body bytes, read once when the route was added.
    public let body: ByteBuffer
    /// Response status code.
    public let status: Int
    /// Response headers, content-type included.
    public let headers: HTTPFields
    /// Entity tag (quoted), when the route declares one.
    public let etag: String?
    /// Last modification time, when the route declares one.
    public let lastModified: Date?
    /// The fault kind this route answers for, when it is a fault-only route.
    public let faultKind: FaultKind?

    /// Validates a specification and loads its body.
    /// - Parameters:
    ///   - spec: the route as written.
    ///   - fixturesDirectory: where `file` paths are resolved; required when `spec.file` is set.
    /// - Throws: ``ReplayError`` describing the first problem found.
    public init(spec: RouteSpec, fixturesDirectory: URL?) throws {
        self.spec = spec
        self.method = (spec.method ?? "GET").uppercased()
        self.pattern = try PathPattern(spec.path)
        let status = spec.status ?? 200
        guard (100...599).contains(status) else {
            throw ReplayError.invalidSpecification("route \(spec.path): status \(status) is not an HTTP status")
        }
        self.status = status
        if let onFault = spec.onFault {
            guard let kind = FaultKind(rawValue: onFault), kind == .rateLimit || kind == .status else {
                throw ReplayError.invalidSpecification(
                    "route \(spec.path): on_fault must be \"rate_limit\" or \"status\", not \"\(onFault)\"")
            }
            self.faultKind = kind
        } else {
            self.faultKind = nil
        }

        let bytes: [UInt8]
        switch (spec.file, spec.body) {
        case (let file?, nil):
            bytes = try Self.readFixture(file, in: fixturesDirectory)
        case (nil, let body?):
            bytes = Array(body.utf8)
        case (nil, nil):
            throw ReplayError.invalidSpecification("route \(spec.path): give either \"file\" or \"body\"")
        case (.some, .some):
            throw ReplayError.invalidSpecification("route \(spec.path): give only one of \"file\" and \"body\"")
        }
        self.body = ByteBuffer(bytes: bytes)

        var headers = HTTPFields()
        for (name, value) in (spec.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let fieldName = HTTPField.Name(name) else {
                throw ReplayError.invalidSpecification("route \(spec.path): \"\(name)\" is not a valid header name")
            }
            headers[fieldName] = value
        }
        if headers[.contentType] == nil {
            headers[.contentType] = Self.inferredContentType(file: spec.file)
        }
        if let etag = spec.etag {
            self.etag = etag == "auto" ? ConditionalGet.autoETag(for: bytes) : ConditionalGet.quoted(etag)
            headers[.eTag] = self.etag
        } else {
            self.etag = nil
        }
        if let lastModified = spec.lastModified {
            guard let date = HTTPDate.parse(lastModified) else {
                throw ReplayError.invalidSpecification(
                    "route \(spec.path): last_modified \"\(lastModified)\" is not an HTTP date")
            }
            self.lastModified = date
            headers[.lastModified] = HTTPDate.format(date)
        } else {
            self.lastModified = nil
        }
        self.headers = headers
    }

    /// Whether this route's method, path and query expectations accept the request.
    public func matches(_ key: RequestKey) -> Bool {
        guard self.method == "*" || self.method == key.method else { return false }
        guard self.pattern.matches(key.path) else { return false }
        let expectations = self.spec.query ?? [:]
        for (name, expectation) in expectations where !expectation.isSatisfied(by: key.values(for: name)) {
            return false
        }
        if self.spec.exactQuery == true {
            return key.parameters.allSatisfy { expectations[$0.name] != nil }
        }
        return true
    }

    /// Ordering among routes that all match a request: higher wins.
    /// Exact path > longer prefix; then more required query parameters; then an exact query.
    var rank: [Int] {
        let required = (self.spec.query ?? [:]).values.filter { $0 != .absent }.count
        return [self.pattern.specificity, required, self.spec.exactQuery == true ? 1 : 0]
    }

    /// A one-line description for 404 hints and the hit log.
    var summary: String {
        var text = "\(self.method) \(self.pattern)"
        if let query = self.spec.query, !query.isEmpty {
            let parts = query.sorted { $0.key < $1.key }.map { name, expectation -> String in
                switch expectation {
                case .equals(let value): return "\(name)=\(value)"
                case .present: return "\(name)=*"
                case .absent: return "!\(name)"
                }
            }
            text += "?" + parts.joined(separator: "&")
        }
        if self.spec.exactQuery == true { text += " (exact query)" }
        return text
    }

    /// Reads a fixture file, refusing absolute paths and `..` so routes stay inside the fixtures directory.
    static func readFixture(_ file: String, in directory: URL?) throws -> [UInt8] {
        guard let directory else {
            throw ReplayError.missingFile(path: file, reason: "no fixtures directory is configured")
        }
        let components = file.split(separator: "/")
        guard !file.hasPrefix("/"), !components.contains(".."), !components.isEmpty else {
            throw ReplayError.missingFile(path: file, reason: "must be a relative path inside the fixtures directory")
        }
        let url = directory.appendingPathComponent(file)
        do {
            return Array(try Data(contentsOf: url))
        } catch {
            throw ReplayError.missingFile(path: url.path, reason: error.localizedDescription)
        }
    }

    /// `application/json; charset=utf-8` for JSON (and inline bodies), `application/rss+xml` for XML.
    static func inferredContentType(file: String?) -> String {
        guard let file else { return "application/json; charset=utf-8" }
        if file.hasSuffix(".xml") || file.hasSuffix(".rss") { return "application/rss+xml; charset=utf-8" }
        if file.hasSuffix(".atom") { return "application/atom+xml; charset=utf-8" }
        if file.hasSuffix(".json") { return "application/json; charset=utf-8" }
        if file.hasSuffix(".txt") { return "text/plain; charset=utf-8" }
        if file.hasSuffix(".html") { return "text/html; charset=utf-8" }
        return "application/octet-stream"
    }
}
