/// The permission scopes a key may hold, and the tiers' default grants.
public enum Scopes {
    /// Read stored history (`/api/*/history…`).
    public static let historyRead = "history:read"
    /// Run sentiment analysis (`POST /api/sentiment/…`, `POST /api/analyze/text`).
    public static let sentimentAnalyze = "sentiment:analyze"
    /// Administer API keys (`/api/keys`).
    public static let keysAdmin = "keys:admin"
    /// Read diagnostics (`/api/diagnostics…`).
    public static let diagnosticsRead = "diagnostics:read"

    /// Every scope, sorted.
    public static let all: [String] = [diagnosticsRead, historyRead, keysAdmin, sentimentAnalyze].sorted()

    /// Tier names a key may have (the anonymous tier is for callers without a key).
    public static let keyTiers = ["free", "pro", "enterprise", "admin"]

    /// Scopes granted when a key of `tier` is created without naming any.
    public static func defaults(forTier tier: String) -> [String] {
        tier == "admin" ? all : [historyRead, sentimentAnalyze]
    }

    /// The scopes of a comma- or space-separated list, or the first unknown one.
    public static func parse(_ text: String) -> Result<[String], UnknownScope> {
        var scopes: [String] = []
        for item in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let scope = String(item)
            guard all.contains(scope) else { return .failure(UnknownScope(name: scope)) }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        return .success(scopes.sorted())
    }

    /// A scope name that is not one of ``all``.
    public struct UnknownScope: Error, Sendable, Hashable {
        /// The name given.
        public var name: String
    }
}
