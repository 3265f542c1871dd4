import Foundation

/// Why one provider could not answer one request: the unit the failover chain collects and the 503 problem lists.
public struct ProviderFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// No (complete) answer within the provider's timeout.
        case timeout
        /// The connection could not be made or broke (refused, reset, DNS).
        case transport
        /// The provider answered with an HTTP error status other than 429.
        case httpStatus = "http-status"
        /// The provider said we are rate limited (HTTP 429 or its own rate-limit error).
        case rateLimited = "rate-limited"
        /// The body is not the shape this endpoint returns (garbage, truncated, oversized).
        case malformed
        /// The provider's own error envelope (not a rate limit), e.g. an unknown symbol.
        case providerError = "provider-error"
        /// The provider's circuit breaker is open; it was not called.
        case breakerOpen = "breaker-open"
        /// Its request budget is spent (free-tier limit); it was not called.
        case budgetExhausted = "budget-exhausted"
        /// The provider cannot serve this request (no id for the asset, interval not offered, no API key).
        case unsupported
    }

    /// Provider name (`coingecko`).
    public var provider: String
    /// What went wrong.
    public var kind: Kind
    /// Human-readable explanation, free of secrets.
    public var message: String
    /// The HTTP status, when the provider answered.
    public var status: Int?
    /// How long the provider asked us to wait (429 `Retry-After`), when it did.
    public var retryAfter: Duration?

    /// Creates a failure record.
    public init(provider: String, kind: Kind, message: String, status: Int? = nil, retryAfter: Duration? = nil) {
        self.provider = provider
        self.kind = kind
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
    }

    /// Whether this failure says something about the provider's health (and so counts for its circuit breaker).
    /// Refusals before a call, rate limits, unsupported requests and 4xx answers do not.
    public var countsAgainstProvider: Bool {
        switch kind {
        case .timeout, .transport, .malformed: true
        case .httpStatus: (status ?? 500) >= 500
        case .rateLimited, .providerError, .breakerOpen, .budgetExhausted, .unsupported: false
        }
    }

    /// Whether the call was never sent.
    public var wasNotSent: Bool { kind == .breakerOpen || kind == .budgetExhausted || kind == .unsupported }

    public var description: String { "\(provider): \(kind.rawValue): \(message)" }
}
