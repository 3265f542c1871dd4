import AccessKeys
import HTTPTypes

/// Which routes need which scope, which are counted against limits, and which are neither.
///
/// Routes are classified by method and route template (`/api/prices/history/{symbol}`) — the template Hummingbird
/// matched, so trailing slashes, doubled slashes or encoded characters cannot reach a protected handler under an
/// unprotected name. Anything not listed is public and limited.
public struct AccessPolicy: Sendable {
    /// How a route is treated.
    public enum Access: Sendable, Hashable {
        /// Liveness and health: no credentials needed, not counted against limits.
        case uncounted
        /// Public, counted against the caller's limits.
        case limited
        /// Needs an identity holding `scope`; counted.
        case requires(scope: String)
    }

    /// Protected routes by method and template.
    public let protected: [String: String]
    /// Protected template prefixes (any method).
    public let protectedPrefixes: [(prefix: String, scope: String)]
    /// Templates that are never counted.
    public let uncounted: Set<String>
    /// `uncounted` and `protected` in one table by template (one hash of the template per request), the protected
    /// ones then by method (no string building per request).
    let byTemplate: [String: Listed]
    /// A template's entry in ``byTemplate``.
    enum Listed: Sendable {
        /// Never counted.
        case uncounted
        /// Protected: the scope by method.
        case protected([String: String])
    }
    /// `protectedPrefixes` with their trailing `/`, built once (was a string concatenation per prefix per request).
    let prefixMatches: [(prefix: String, subpaths: String, scope: String)]

    /// Creates a policy.
    public init(protected: [String: String], protectedPrefixes: [(prefix: String, scope: String)], uncounted: Set<String>) {
        self.protected = protected
        self.protectedPrefixes = protectedPrefixes
        self.uncounted = uncounted
        var methods: [String: [String: String]] = [:]
        for (key, scope) in protected {
            let parts = key.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            methods[String(parts[1]), default: [:]][String(parts[0])] = scope
        }
        var index = methods.mapValues(Listed.protected)
        for template in uncounted { index[template] = .uncounted }
        byTemplate = index
        prefixMatches = protectedPrefixes.map { ($0.prefix, $0.prefix + "/", $0.scope) }
    }

    /// The gateway's policy: history, `POST` sentiment analysis, key administration and diagnostics need scopes;
    /// `/health` and `/api/health` are not counted.
    public static let standard = AccessPolicy(
        protected: [
            "GET /api/prices/history/{symbol}": Scopes.historyRead,
            "GET /api/ohlcv/history/{symbol}": Scopes.historyRead,
            "GET /api/market/history": Scopes.historyRead,
            "GET /api/defi/history/{protocol}": Scopes.historyRead,
            "POST /api/sentiment/analyze": Scopes.sentimentAnalyze,
            "POST /api/sentiment/crypto-analysis": Scopes.sentimentAnalyze,
            "POST /api/analyze/text": Scopes.sentimentAnalyze,
        ],
        protectedPrefixes: [("/api/keys", Scopes.keysAdmin), ("/api/diagnostics", Scopes.diagnosticsRead),
                            ("/api/admin", Scopes.diagnosticsRead), ("/metrics", Scopes.diagnosticsRead)],
        uncounted: ["/health", "/api/health"])

    /// The access of a request to a matched template (nil: no route matched).
    public func access(method: HTTPRequest.Method, template: String?) -> Access {
        guard let template else { return .limited }
        switch byTemplate[template] {
        case .uncounted?: return .uncounted
        case .protected(let methods)?: if let scope = methods[method.rawValue] { return .requires(scope: scope) }
        case nil: break
        }
        for (prefix, subpaths, scope) in prefixMatches where template == prefix || template.hasPrefix(subpaths) {
            return .requires(scope: scope)
        }
        return .limited
    }
}
