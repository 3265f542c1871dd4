/// A rate-limit and permission tier.
public enum Tier: String, Sendable, Hashable, Codable, CaseIterable {
    /// No credentials: limited per client IP.
    case anonymous
    /// A free API key.
    case free
    /// A paid key with higher limits.
    case pro
    /// Unlimited.
    case enterprise
    /// Unlimited, may administer keys.
    case admin

    /// The position in ``allCases``, for per-tier tables (cheaper than hashing the raw value).
    public var ordinal: Int {
        switch self {
        case .anonymous: 0
        case .free: 1
        case .pro: 2
        case .enterprise: 3
        case .admin: 4
        }
    }
}

/// Who is calling: an API key (presented directly or through a JWT) or an anonymous client address.
///
/// The gateway's authentication middleware resolves it for every request and stores it in
/// ``GatewayContext/identity``; routes and the WebSocket read it from there.
public struct Identity: Sendable, Hashable {
    /// The principal behind the request.
    public enum Subject: Sendable, Hashable {
        /// No credentials; the client's IP address (or `"unknown"`).
        case anonymous(ip: String)
        /// An API key, by its stable key id.
        case key(id: String)
    }

    /// The principal.
    public var subject: Subject
    /// The tier whose limits apply.
    public var tier: Tier
    /// Granted scopes (`keys:admin`, `history:read`, …).
    public var scopes: Set<String>

    /// Creates an identity.
    public init(subject: Subject, tier: Tier, scopes: Set<String>) {
        self.subject = subject
        self.tier = tier
        self.scopes = scopes
    }

    /// An anonymous caller at an address.
    public static func anonymous(ip: String) -> Identity {
        Identity(subject: .anonymous(ip: ip), tier: .anonymous, scopes: [])
    }

    /// The key id, or nil when anonymous.
    public var keyID: String? {
        if case .key(let id) = subject { return id }
        return nil
    }

    /// A stable string naming the principal for limit buckets and audit rows: `key:<id>` or `ip:<address>`.
    public var limitKey: String {
        // Concatenation, not interpolation: short results stay small (inline) strings, with no allocation.
        switch subject {
        case .anonymous(let ip): "ip:" + ip
        case .key(let id): "key:" + id
        }
    }

    /// Whether the identity holds a scope.
    public func has(scope: String) -> Bool { scopes.contains(scope) }
}
