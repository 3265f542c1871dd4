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
    /// `precomputedPolicy` is the tier's `RateLimit-Policy` field (constant per tier), built here when nil.
    /// Runs on every limited request: values are written as bytes, with no string interpolation or arrays.
    static func apply(_ decision: RateDecision, policy precomputedPolicy: HTTPField? = nil, to fields: inout HTTPFields) {
        let policy = precomputedPolicy ?? HTTPField(name: .rateLimitPolicy, value: policyValue(decision.windows.map {
            ($0.name, $0.quota, $0.windowSeconds)
        }))
        // Appended, not assigned: no route sets these, and appending skips a search of the fields.
        fields.reserveCapacity(fields.count + 6)
        fields.append(policy)
        fields.append(HTTPField(name: .rateLimit, value: stateValue(decision)))
        if let binding = decision.binding {
            fields.append(HTTPField(name: .xRateLimitLimit, value: decimal(binding.quota)))
            fields.append(HTTPField(name: .xRateLimitRemaining, value: decimal(binding.remaining)))
            fields.append(HTTPField(name: .xRateLimitReset, value: decimal(binding.resetSeconds)))
        }
        if !decision.allowed { fields[.retryAfter] = String(decision.retryAfterSeconds) }
    }

    /// A `RateLimit` value: `"minute";r=29;t=2, "day";r=999;t=41200`.
    /// Written straight into the string's storage (one allocation; was an array, then a copy into a string).
    static func stateValue(_ decision: RateDecision) -> String {
        String(unsafeUninitializedCapacity: 128) { buffer in // ≤ 2 × (10 + 2 × 19 digits) + 2 bytes
            var count = 0
            if let minute = decision.minute {
                write(#""minute";r="#, to: buffer, at: &count)
                write(minute.remaining, to: buffer, at: &count)
                write(";t=", to: buffer, at: &count)
                write(minute.resetSeconds, to: buffer, at: &count)
            }
            if let day = decision.day {
                if count > 0 { write(", ", to: buffer, at: &count) }
                write(#""day";r="#, to: buffer, at: &count)
                write(day.remaining, to: buffer, at: &count)
                write(";t=", to: buffer, at: &count)
                write(day.resetSeconds, to: buffer, at: &count)
            }
            return count
        }
    }

    /// Writes ASCII text at `count` and advances it (the buffer is large enough).
    @inline(__always)
    static func write(_ text: StaticString, to buffer: UnsafeMutableBufferPointer<UInt8>, at count: inout Int) {
        let bytes = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        for byte in bytes {
            buffer[count] = byte
            count += 1
        }
    }

    /// Writes a non-negative integer's decimal digits at `count` and advances it (negative values are written as 0;
    /// none occur).
    @inline(__always)
    static func write(_ value: Int, to buffer: UnsafeMutableBufferPointer<UInt8>, at count: inout Int) {
        var value = max(0, value)
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        repeat {
            buffer[count] = UInt8(truncatingIfNeeded: value / divisor) + 0x30
            count += 1
            value %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// A non-negative integer's decimal digits (negative values are written as 0; none occur): up to 15 digits
    /// written straight into a small (unallocated) string, cheaper than the generic `String(_:)` of an integer.
    static func decimal(_ value: Int) -> String {
        guard value < 1_000_000_000_000_000 else { return String(value) } // > 15 digits: not a small string
        return String(unsafeUninitializedCapacity: 15) { buffer in
            var count = 0
            write(value, to: buffer, at: &count)
            return count
        }
    }

    /// Appends a non-negative integer's decimal digits (negative values are written as 0; none occur).
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        var value = max(0, value)
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(truncatingIfNeeded: value / divisor) + 0x30)
            value %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// A tier's `RateLimit-Policy` field (nil when unlimited), built once per tier.
    static func policyField(_ limits: TierLimits) -> HTTPField? {
        policyValue(limits).map { HTTPField(name: .rateLimitPolicy, value: $0) }
    }

    /// A `RateLimit-Policy` value: `"minute";q=30;w=60, "day";q=1000;w=86400`.
    static func policyValue(_ windows: [(name: String, quota: Int, seconds: Int)]) -> String {
        windows.map { "\"\($0.name)\";q=\($0.quota);w=\($0.seconds)" }.joined(separator: ", ")
    }

    /// The `RateLimit-Policy` value of a tier's limits (nil when unlimited).
    static func policyValue(_ limits: TierLimits) -> String? {
        var windows: [(name: String, quota: Int, seconds: Int)] = []
        if let perMinute = limits.perMinute { windows.append(("minute", perMinute, 60)) }
        if let perDay = limits.perDay { windows.append(("day", perDay, 86_400)) }
        return windows.isEmpty ? nil : policyValue(windows)
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
