import Foundation
import ServiceKit

/// The gateway's security settings (README "Configuration"): tiers' limits, token lifetimes, CORS, caching.
public struct AuthConfiguration: Sendable {
    /// Limits by tier.
    public var limits: [Tier: TierLimits]
    /// Default token lifetime (`JWT_TTL`, seconds, default 24 h).
    public var tokenTTL: Int
    /// Longest token lifetime a client may ask for (`JWT_MAX_TTL`, default 24 h); `JWT_TTL` is capped by it.
    public var maxTokenTTL: Int
    /// `iss` of issued tokens, required on verification (`JWT_ISSUER`).
    public var issuer: String
    /// `aud` of issued tokens, required on verification (`JWT_AUDIENCE`).
    public var audience: String
    /// How long a key look-up is trusted before store-svc is asked again (`KEY_CACHE_TTL`, ≤ 30 s).
    public var keyCacheTTL: Int64
    /// Allowed CORS origins (`CORS_ORIGINS`, comma-separated; `*` for any; empty: no CORS headers).
    public var corsOrigins: [String]
    /// Whether the client address is taken from the last `X-Forwarded-For` hop (`TRUST_X_FORWARDED_FOR`).
    public var trustForwardedFor: Bool
    /// Whether authentication and limits run at all (`GATEWAY_AUTH=off` turns them off for benchmarks; refused in
    /// production).
    public var enabled: Bool

    /// The mission's defaults: anonymous and free 30/min + 1,000/day, pro 300/min + 50,000/day, enterprise and
    /// admin unlimited; symbols per call: anonymous 10, free 25, others the route's own maximum.
    public static let defaultLimits: [Tier: TierLimits] = [
        .anonymous: TierLimits(perMinute: 30, perDay: 1_000, maxSymbols: 10),
        .free: TierLimits(perMinute: 30, perDay: 1_000, maxSymbols: 25),
        .pro: TierLimits(perMinute: 300, perDay: 50_000),
        .enterprise: TierLimits(perMinute: nil, perDay: nil),
        .admin: TierLimits(perMinute: nil, perDay: nil),
    ]

    /// Creates a configuration with explicit values (tests).
    public init(limits: [Tier: TierLimits] = defaultLimits, tokenTTL: Int = 86_400, maxTokenTTL: Int = 86_400,
                issuer: String = "cryptodt-gateway", audience: String = "cryptodt-api", keyCacheTTL: Int64 = 30,
                corsOrigins: [String] = [], trustForwardedFor: Bool = false, enabled: Bool = true) {
        self.limits = limits
        self.maxTokenTTL = max(60, maxTokenTTL)
        self.tokenTTL = min(max(60, tokenTTL), self.maxTokenTTL)
        self.issuer = issuer
        self.audience = audience
        self.keyCacheTTL = min(max(0, keyCacheTTL), 30)
        self.corsOrigins = corsOrigins
        self.trustForwardedFor = trustForwardedFor
        self.enabled = enabled
    }

    /// Reads the configuration: `RATE_LIMIT_<TIER>_PER_MINUTE`, `RATE_LIMIT_<TIER>_PER_DAY` (a number, or
    /// `unlimited`), `RATE_LIMIT_<TIER>_MAX_SYMBOLS`, `JWT_TTL`, `JWT_MAX_TTL`, `JWT_ISSUER`, `JWT_AUDIENCE`,
    /// `KEY_CACHE_TTL`, `CORS_ORIGINS`, `TRUST_X_FORWARDED_FOR`, `GATEWAY_AUTH`.
    public init(settings: Settings) throws {
        var limits = Self.defaultLimits
        for tier in Tier.allCases {
            var tierLimits = limits[tier] ?? TierLimits(perMinute: nil, perDay: nil)
            let name = "rate.limit.\(tier.rawValue)"
            tierLimits.perMinute = try Self.limit(settings, "\(name).per.minute", default: tierLimits.perMinute)
            tierLimits.perDay = try Self.limit(settings, "\(name).per.day", default: tierLimits.perDay)
            tierLimits.maxSymbols = try Self.limit(settings, "\(name).max.symbols", default: tierLimits.maxSymbols)
            limits[tier] = tierLimits
        }
        let enabled = settings.string("gateway.auth", default: "on").lowercased() != "off"
        if !enabled, settings.isProduction {
            throw ConfigurationError(message: "GATEWAY_AUTH=off is refused when ENVIRONMENT=production")
        }
        self.init(limits: limits,
                  tokenTTL: settings.int("jwt.ttl", default: 86_400),
                  maxTokenTTL: settings.int("jwt.max.ttl", default: 86_400),
                  issuer: settings.string("jwt.issuer", default: "cryptodt-gateway"),
                  audience: settings.string("jwt.audience", default: "cryptodt-api"),
                  keyCacheTTL: Int64(settings.int("key.cache.ttl", default: 30)),
                  corsOrigins: (settings.string("cors.origins") ?? "").split(separator: ",")
                      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                  trustForwardedFor: settings.string("trust.x.forwarded.for", default: "false").lowercased() == "true",
                  enabled: enabled)
    }

    /// The limits of a tier.
    public func limits(for tier: Tier) -> TierLimits {
        limits[tier] ?? TierLimits(perMinute: nil, perDay: nil)
    }

    static func limit(_ settings: Settings, _ key: String, default value: Int?) throws -> Int? {
        guard let text = settings.string(key)?.trimmingCharacters(in: .whitespaces).lowercased() else { return value }
        if text == "unlimited" || text == "none" { return nil }
        guard let number = Int(text), number >= 0 else {
            throw ConfigurationError(message: "\(key.uppercased().replacingOccurrences(of: ".", with: "_")) must be a number ≥ 0 or 'unlimited', got '\(text.prefix(20))'")
        }
        return number
    }
}

/// A setting the gateway refuses to start with.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var message: String
    /// Creates the error.
    public init(message: String) { self.message = message }
    public var description: String { message }
}
