import ProviderKit
import Testing

@Suite("RetryPolicy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1), maxRetryAfter: .seconds(2))
    func failure(_ kind: ProviderFailure.Kind, status: Int? = nil, retryAfter: Duration? = nil) -> ProviderFailure {
        ProviderFailure(provider: "p", kind: kind, message: "m", status: status, retryAfter: retryAfter)
    }

    @Test("transport errors and 502/503/504 are retried with full jitter, doubling, until the attempts run out")
    func retried() {
        #expect(policy.delay(after: failure(.transport), attempt: 1, random: { $0.upperBound }) == .milliseconds(100))
        #expect(policy.delay(after: failure(.httpStatus, status: 503), attempt: 2, random: { $0.upperBound }) == .milliseconds(200))
        #expect(policy.delay(after: failure(.httpStatus, status: 502), attempt: 1, random: { $0.lowerBound }) == .zero)
        #expect(policy.delay(after: failure(.transport), attempt: 3) == nil)
    }

    @Test("never after a 4xx, a 500, a malformed body, a refusal, or a timeout (by default)")
    func notRetried() {
        for f in [failure(.httpStatus, status: 404), failure(.httpStatus, status: 500), failure(.malformed),
                  failure(.providerError), failure(.breakerOpen), failure(.budgetExhausted), failure(.unsupported), failure(.timeout)] {
            #expect(policy.delay(after: f, attempt: 1) == nil, "\(f.kind)")
        }
    }

    @Test("a 429 is retried after its Retry-After only when that is short")
    func rateLimited() {
        #expect(policy.delay(after: failure(.rateLimited, status: 429, retryAfter: .seconds(1)), attempt: 1) == .seconds(1))
        #expect(policy.delay(after: failure(.rateLimited, status: 429, retryAfter: .seconds(30)), attempt: 1) == nil)
        #expect(policy.delay(after: failure(.rateLimited, status: 429), attempt: 1) == nil)
    }
}
