import Foundation
import RPC

/// The mapping of "every provider failed" to the problems the gateway passes on (ARCHITECTURE.md §5).
public enum UpstreamProblem {
    /// `upstream-unavailable` (503), or `upstream-rate-limited` (429) when every provider that was tried said
    /// "rate limited". The `providers` extension names each provider and its error; `retry_after_s` (which the
    /// gateway turns into `Retry-After`) is the shortest wait any provider asked for, else `defaultRetryAfter`.
    public static func allFailed(_ failures: [ProviderFailure], what: String,
                                 defaultRetryAfter: Duration = .seconds(30)) -> RPCError {
        let providers: [JSON] = failures.map { failure in
            var entry: [String: JSON] = ["name": .string(failure.provider), "error": .string(failure.kind.rawValue),
                                         "detail": .string(failure.message)]
            if let status = failure.status { entry["status"] = .number(Double(status)) }
            return .object(entry)
        }
        let waits = failures.compactMap(\.retryAfter).map(seconds)
        let retryAfter = max(1, (waits.min() ?? seconds(defaultRetryAfter)).rounded(.up))
        let rateLimitedOnly = !failures.isEmpty && failures.allSatisfy {
            $0.kind == .rateLimited || $0.kind == .budgetExhausted
        }
        let summary = failures.isEmpty ? "no provider is configured"
            : failures.map { "\($0.provider) (\($0.kind.rawValue))" }.joined(separator: ", ")
        let extensions: [String: JSON] = ["providers": .array(providers), "retry_after_s": .number(retryAfter)]
        if rateLimitedOnly {
            return .problem("upstream-rate-limited", status: 429, title: "Upstream rate limited",
                            detail: "every provider for \(what) is rate limiting us: \(summary)", extensions: extensions)
        }
        return .problem("upstream-unavailable", status: 503, title: "Upstream unavailable",
                        detail: "no provider could answer for \(what) and no recent data is cached: \(summary)",
                        extensions: extensions)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
