import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    /// `RateLimit-Policy` (IETF draft-ietf-httpapi-ratelimit-headers): the quota policies that apply.
    static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!
    /// `RateLimit`: what is left of each policy and when it is whole again.
    static let rateLimit = HTTPField.Name("RateLimit")!
    /// `X-RateLimit-Limit`: the binding policy's quota.
    static let xRateLimitLimit = HTTPField.Name("X-RateLimit-Limit")!
    /// `X-RateLimit-Remaining`: requests left in the binding policy.
    static let xRateLimitRemaining = HTTPField.Name("X-RateLimit-Remaining")!
    /// `X-RateLimit-Reset`: seconds (delta) until the binding policy is whole again.
    static let xRateLimitReset = HTTPField.Name("X-RateLimit-Reset")!
    /// `X-API-Key`: an API key.
    static let apiKey = HTTPField.Name("X-API-Key")!
}

/// Renders a ``RateDecision`` as response headers.
///
/// `RateLimit-Policy: "minute";q=30;w=60, "day";q=1000;w=86400` and `RateLimit: "minute";r=29;t=2, "day";r=999;t=41200`
/// (structured fields of the IETF draft), plus the conventional `X-RateLimit-Limit/Remaining/Reset` of the binding
/// policy (the one with the fewest requests left); `Retry-After` on refusals.
enum RateLimitHeaders {
    /// Adds the headers of `decision` to `fields`.
    static func apply(_ decision: RateDecision, to fields: inout HTTPFields) {
        fields[.rateLimitPolicy] = decision.windows.map { "\"\($0.name)\";q=\($0.quota);w=\($0.windowSeconds)" }.joined(separator: ", ")
        fields[.rateLimit] = decision.windows.map { "\"\($0.name)\";r=\($0.remaining);t=\($0.resetSeconds)" }.joined(separator: ", ")
        if let binding = decision.binding {
            fields[.xRateLimitLimit] = String(binding.quota)
            fields[.xRateLimitRemaining] = String(binding.remaining)
            fields[.xRateLimitReset] = String(binding.resetSeconds)
        }
        if !decision.allowed { fields[.retryAfter] = String(decision.retryAfterSeconds) }
    }

    /// The 429 `quota-exceeded` problem for a refusal, with every header.
    static func problem(_ decision: RateDecision, tier: Tier) -> Problem {
        var headers = HTTPFields()
        apply(decision, to: &headers)
        let window = decision.binding
        let detail = window.map { "the \(tier.rawValue) tier allows \($0.quota) requests per \($0.name); retry in \(decision.retryAfterSeconds) s" }
            ?? "request quota exceeded; retry in \(decision.retryAfterSeconds) s"
        return Problem(type: "quota-exceeded", title: "Quota exceeded", status: .tooManyRequests, detail: detail,
                       extensions: ["tier": .string(tier.rawValue), "policy": .string(window?.name ?? "minute"),
                                    "limit": .number(Double(window?.quota ?? 0)),
                                    "retry_after_s": .number(Double(decision.retryAfterSeconds))],
                       headers: headers)
    }
}
