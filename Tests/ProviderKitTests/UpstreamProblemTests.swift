import ProviderKit
import RPC
import Testing

@Suite("UpstreamProblem")
struct UpstreamProblemTests {
    @Test("all failed → 503 upstream-unavailable naming each provider, its error and the shortest Retry-After")
    func unavailable() throws {
        let error = UpstreamProblem.allFailed([
            ProviderFailure(provider: "coingecko", kind: .rateLimited, message: "HTTP 429", status: 429, retryAfter: .seconds(119)),
            ProviderFailure(provider: "binance", kind: .timeout, message: "no answer within 1.5 s"),
            ProviderFailure(provider: "kraken", kind: .breakerOpen, message: "open", retryAfter: .seconds(12)),
        ], what: "prices of BTC in usd")
        let problem = try #require(error.data)
        #expect(problem.type == "upstream-unavailable")
        #expect(problem.status == 503)
        #expect(problem.extensions["retry_after_s"] == .number(12))
        guard case .array(let providers)? = problem.extensions["providers"] else { Issue.record("no providers"); return }
        #expect(providers.count == 3)
        #expect(providers[0] == .object(["name": "coingecko", "error": "rate-limited", "detail": "HTTP 429", "status": 429]))
        #expect(providers[1] == .object(["name": "binance", "error": "timeout", "detail": "no answer within 1.5 s"]))
        #expect(problem.detail.contains("coingecko (rate-limited), binance (timeout), kraken (breaker-open)"))
    }

    @Test("only rate limits → 429 upstream-rate-limited")
    func rateLimited() throws {
        let error = UpstreamProblem.allFailed([
            ProviderFailure(provider: "coingecko", kind: .rateLimited, message: "429", status: 429, retryAfter: .seconds(30)),
            ProviderFailure(provider: "binance", kind: .budgetExhausted, message: "spent", retryAfter: .milliseconds(2_500)),
        ], what: "x")
        #expect(error.data?.type == "upstream-rate-limited")
        #expect(error.data?.status == 429)
        #expect(error.data?.extensions["retry_after_s"] == .number(3))
    }

    @Test("which failures count against a provider's breaker")
    func counting() {
        func f(_ kind: ProviderFailure.Kind, _ status: Int? = nil) -> Bool {
            ProviderFailure(provider: "p", kind: kind, message: "", status: status).countsAgainstProvider
        }
        #expect(f(.timeout) && f(.transport) && f(.malformed) && f(.httpStatus, 500))
        #expect(!f(.httpStatus, 404) && !f(.rateLimited) && !f(.providerError) && !f(.breakerOpen) && !f(.unsupported))
    }
}
