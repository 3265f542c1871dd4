import Contracts
import CryptoModels
import Feeds
import Foundation
import ProviderKit
import RPC
import Synchronization

/// What one fetch of a feed gave.
public enum FeedFetch: Sendable {
    /// 304: nothing changed since the validators were recorded.
    case notModified
    /// The feed's items (cleaned, tagged, in document order) and the validators to record once they are stored.
    case items([NewsItem], Validators)
}

/// `ETag` / `Last-Modified` of a feed's last stored answer, sent back as `If-None-Match` / `If-Modified-Since`.
public struct Validators: Sendable, Hashable {
    /// The `ETag` header.
    public var etag: String?
    /// The `Last-Modified` header.
    public var lastModified: String?
}

/// How a source's body is read.
public enum FeedKind: Sendable, Hashable {
    /// RSS 2.0, RSS 1.0 (RDF) or Atom, through the Feeds parser.
    case syndication
    /// CryptoPanic's JSON posts API.
    case cryptoPanic
}

/// One RSS / Atom / RDF feed (or CryptoPanic): conditional GET through the shared HTTP client with a timeout and a body limit, the
/// Feeds parser, a circuit breaker, and the health component `feed:<name>`.
///
/// Validators are recorded only by ``commit(_:)``, after the feed's items reached the store: a fetch whose items were
/// lost (store down, process killed) is fetched in full again next time instead of being answered 304.
public final class FeedSource: Sendable {
    /// The feed.
    public let spec: FeedSpec
    /// How its body is read.
    public let kind: FeedKind
    private let tagger: AssetTagger
    private let http: ProviderHTTP
    private let timeout: Duration
    private let maxBytes: Int
    private let breaker: CircuitBreaker
    private let failingStatus: HealthStatus
    private let state = Mutex(FeedState())

    /// Health-relevant state of the feed.
    struct FeedState {
        var validators = Validators()
        var lastSuccess: EpochMillis?
        var lastFailure: EpochMillis?
        var lastError: String?
        var consecutiveFailures = 0
        var notModified = 0
        var fetches = 0
        var items = 0
        var newItems = 0
    }

    /// Creates the source.
    /// - Parameter failingStatus: the health status of the feed while it fails (`NEWS_FEED_HEALTH_STRICT`): `healthy`
    ///   by default, like market-svc's providers, so an offline deployment does not look broken (the detail and
    ///   `observed.state` still say `failing`); `degraded` when strict.
    public init(spec: FeedSpec, kind: FeedKind = .syndication, tagger: AssetTagger, http: ProviderHTTP, timeout: Duration,
                maxBytes: Int, failingStatus: HealthStatus = .healthy, breakerThreshold: Int = 3,
                breakerCoolDown: Duration = .seconds(1_800)) {
        self.spec = spec
        self.failingStatus = failingStatus
        self.kind = kind
        self.tagger = tagger
        self.http = http
        self.timeout = timeout
        self.maxBytes = maxBytes
        breaker = CircuitBreaker(failureThreshold: breakerThreshold, coolDown: breakerCoolDown)
    }

    /// Fetches and parses the feed.
    /// - Throws: ``ProviderFailure`` (timeout, transport, HTTP status, oversized or malformed body, breaker open);
    ///   the failure is recorded for health before it is thrown.
    public func fetch() async throws(ProviderFailure) -> FeedFetch {
        let provider = "feed:\(spec.name)"
        guard breaker.permit() else {
            // Not fetched: the feed stays failing with its last real error; the detail adds the open circuit.
            throw ProviderFailure(provider: provider, kind: .breakerOpen,
                                  message: String(format: "circuit open after repeated failures; next trial in %.0f s",
                                                  breaker.secondsUntilTrial))
        }
        let validators = state.withLock { $0.validators }
        var headers: [(String, String)] = []
        if let etag = validators.etag { headers.append(("If-None-Match", etag)) }
        if let modified = validators.lastModified { headers.append(("If-Modified-Since", modified)) }
        do throws(ProviderFailure) {
            let response = try await http.get(
                provider: provider, url: spec.url, redactedURL: Self.redacted(spec.url), headers: headers, timeout: timeout,
                accept: "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",
                maxBodyBytes: maxBytes)
            if response.status == 304 {
                breaker.recordSuccess()
                state.withLock { s in
                    s.fetches += 1
                    s.notModified += 1
                    s.lastSuccess = Timestamps.nowMillis()
                    s.consecutiveFailures = 0
                    s.lastError = nil
                }
                return .notModified
            }
            guard (200..<300).contains(response.status) else {
                throw ProviderFailure(provider: provider, kind: .httpStatus, message: "HTTP \(response.status) from \(Self.redacted(spec.url))",
                                      status: response.status)
            }
            let items = try parse(Array(response.body.readableBytesView), status: response.status)
            let next = Validators(etag: response.headers.first(name: "etag"), lastModified: response.headers.first(name: "last-modified"))
            return .items(items, next)
        } catch {
            record(error)
            throw error
        }
    }

    /// The items of a body. Undated feed items get the fetch time (their first sighting); the store keeps the first
    /// publication time it was given, so a later fetch does not move them.
    func parse(_ bytes: [UInt8], status: Int) throws(ProviderFailure) -> [NewsItem] {
        switch kind {
        case .cryptoPanic:
            return try CryptoPanic.items(from: Data(bytes), tagger: tagger)
        case .syndication:
            do {
                let feed = try FeedParser(options: .init(maxBytes: maxBytes)).parse(bytes: bytes)
                return feed.newsItems(source: spec.name, tagger: tagger, fallbackPublishedAt: Timestamps.nowMillis())
                    .filter { $0.url.hasPrefix("https://") || $0.url.hasPrefix("http://") }  // the store keeps web links only
                    .map { item in
                        var item = item
                        item.guid = item.guid.map { Self.scopedGUID($0, feed: spec.name) }
                        return item
                    }
            } catch {
                throw ProviderFailure(provider: "feed:\(spec.name)", kind: .malformed, message: error.description, status: status)
            }
        }
    }

    /// Records a successful fetch whose items are stored: the validators for the next conditional GET and the counts.
    public func commit(_ validators: Validators, items: Int, new: Int) {
        breaker.recordSuccess()
        state.withLock { s in
            s.validators = validators
            s.fetches += 1
            s.items = items
            s.newItems += new
            s.lastSuccess = Timestamps.nowMillis()
            s.consecutiveFailures = 0
            s.lastError = nil
        }
    }

    /// Records a failure (also one after the fetch, e.g. the store refusing the items).
    public func record(_ failure: ProviderFailure) {
        if failure.countsAgainstProvider { breaker.recordFailure() }
        state.withLock { s in
            s.fetches += failure.wasNotSent ? 0 : 1
            s.consecutiveFailures += 1
            s.lastFailure = Timestamps.nowMillis()
            s.lastError = "\(failure.kind.rawValue): \(failure.message)"
        }
    }

    /// `feed:<name>`: healthy after a good fetch (or before the first one); while failing, `observed.state` is
    /// `failing`, the detail says why, and the status is the configured failing status.
    public func healthCheck() -> ComponentCheck {
        let s = state.withLock { $0 }
        var observed: [String: JSON] = [
            "url": .string(Self.redacted(spec.url)), "fetches": .number(Double(s.fetches)),
            "not_modified": .number(Double(s.notModified)), "items": .number(Double(s.items)),
            "new_items": .number(Double(s.newItems)), "breaker": .string(breaker.state.rawValue),
            "consecutive_failures": .number(Double(s.consecutiveFailures)),
        ]
        if let last = s.lastSuccess { observed["last_success_ms"] = .number(Double(last)) }
        if let last = s.lastFailure { observed["last_failure_ms"] = .number(Double(last)) }
        if s.consecutiveFailures > 0 {
            observed["state"] = "failing"
            let circuit = breaker.state == .closed ? "" : String(format: " (circuit open; next trial in %.0f s)", breaker.secondsUntilTrial)
            return ComponentCheck(name: "feed:\(spec.name)", status: failingStatus,
                                  detail: "failing: \(s.lastError ?? "unknown error")\(circuit)", observed: observed)
        }
        observed["state"] = s.lastSuccess == nil ? "pending" : "ok"
        return ComponentCheck(name: "feed:\(spec.name)", status: .healthy, detail: nil, observed: observed)
    }

    /// A guid as stored: URLs and long opaque ids (UUIDs, tag URIs) as given, so the same story re-published with its
    /// guid by another feed is recognised; short ones (`12345`, post numbers) prefixed with the feed name, because
    /// two feeds' post numbers collide and the store would otherwise take different stories for one.
    static func scopedGUID(_ guid: String, feed: String) -> String {
        if guid.contains("://") || guid.hasPrefix("tag:") || guid.hasPrefix("urn:") || guid.count >= 16 { return guid }
        return "\(feed):\(guid)"
    }

    /// The URL without its query (which may carry a token) for logs and health.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "<unparseable URL>" }
        if components.query != nil { components.query = "…" }
        components.user = nil
        components.password = nil
        return components.string ?? "<unparseable URL>"
    }
}
