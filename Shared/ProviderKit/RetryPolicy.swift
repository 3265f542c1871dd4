/// When and how long to wait before trying the same provider again.
///
/// Only idempotent GETs are ever retried, and only for failures that a second try may fix: transport errors,
/// timeouts (when allowed), 502/503/504, and a 429 whose `Retry-After` is short. Never after another 4xx, a
/// malformed body or a refusal before the call. Delays are jittered ("full jitter") so that retries spread out.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts including the first (1 = no retry).
    public var maxAttempts: Int
    /// Base delay of the first retry; doubled per further retry.
    public var baseDelay: Duration
    /// Longest delay of one retry.
    public var maxDelay: Duration
    /// Whether a timed-out call is retried (off by default: the next provider is the better bet).
    public var retryTimeouts: Bool
    /// The longest `Retry-After` waited for in place; longer ones make the chain move on.
    public var maxRetryAfter: Duration

    /// Creates a policy.
    public init(maxAttempts: Int = 2, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(1),
                retryTimeouts: Bool = false, maxRetryAfter: Duration = .seconds(1)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryTimeouts = retryTimeouts
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The delay before attempt `attempt + 1` after `failure` (attempt counts from 1), or nil when not to retry.
    public func delay(after failure: ProviderFailure, attempt: Int,
                      random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        switch failure.kind {
        case .transport: break
        case .timeout: guard retryTimeouts else { return nil }
        case .httpStatus: guard let status = failure.status, [502, 503, 504].contains(status) else { return nil }
        case .rateLimited:
            guard let wait = failure.retryAfter, wait <= maxRetryAfter else { return nil }
            return wait
        case .malformed, .providerError, .breakerOpen, .budgetExhausted, .unsupported: return nil
        }
        let exponential = baseDelay.secondsValue * Double(1 << min(attempt - 1, 10))
        let capped = min(exponential, maxDelay.secondsValue)
        return .milliseconds(Int64((random(0...capped) * 1_000).rounded()))
    }
}
