import Contracts
import Foundation
import Logging
import Metrics
import NIOCore
import ProviderWire
import RPC
import Synchronization

/// How a provider wants its API key.
public enum APIKeyPlacement: Sendable, Hashable {
    /// As a header, `value` formatted with the key (e.g. `Apikey %@`).
    case header(name: String, format: String = "%@")
    /// As a query item.
    case query(name: String)
}

/// One provider as the failover chains see it: base URL, optional API key, the shared HTTP client, its circuit
/// breaker, request budget and retry policy, and what happened on its last calls (for health reports).
public final class ProviderEndpoint: Sendable {
    /// Per-provider settings.
    public struct Configuration: Sendable {
        /// Provider name (`coingecko`).
        public var name: String
        /// Base URL without a trailing slash (`https://api.coingecko.com/api/v3`).
        public var baseURL: String
        /// API key, when configured; never logged.
        public var apiKey: String?
        /// Where the key goes.
        public var keyPlacement: APIKeyPlacement?
        /// Total time one request may take.
        public var timeout: Duration
        /// Consecutive failures that open the breaker.
        public var breakerThreshold: Int
        /// How long an open breaker waits before a trial call.
        public var breakerCoolDown: Duration
        /// Requests allowed per `budgetPeriod`.
        public var budgetRequests: Int
        /// The budget's period.
        public var budgetPeriod: Duration
        /// Retry policy.
        public var retry: RetryPolicy
        /// How long to stay away after a 429 that named no `Retry-After`.
        public var defaultRateLimitWait: Duration

        /// Creates a configuration.
        public init(name: String, baseURL: String, apiKey: String? = nil, keyPlacement: APIKeyPlacement? = nil,
                    timeout: Duration = .milliseconds(1_500), breakerThreshold: Int = 5, breakerCoolDown: Duration = .seconds(30),
                    budgetRequests: Int = 60, budgetPeriod: Duration = .seconds(60), retry: RetryPolicy = RetryPolicy(),
                    defaultRateLimitWait: Duration = .seconds(30)) {
            self.name = name
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.apiKey = apiKey
            self.keyPlacement = keyPlacement
            self.timeout = timeout
            self.breakerThreshold = breakerThreshold
            self.breakerCoolDown = breakerCoolDown
            self.budgetRequests = budgetRequests
            self.budgetPeriod = budgetPeriod
            self.retry = retry
            self.defaultRateLimitWait = defaultRateLimitWait
        }
    }

    private struct Stats {
        var calls = 0
        var failures = 0
        var lastSuccess: Int64?
        var lastFailure: Int64?
        var lastError: String?
    }

    /// The settings.
    public let configuration: Configuration
    /// The circuit breaker.
    public let breaker: CircuitBreaker
    /// The request budget.
    public let budget: RequestBudget
    private let http: ProviderHTTP
    private let clock: ProviderClock
    private let logger: Logger
    private let stats = Mutex(Stats())
    private let callCounter: Counter
    private let failureCounter: Counter

    /// Creates an endpoint over the shared client.
    public init(configuration: Configuration, http: ProviderHTTP, clock: ProviderClock = .system,
                logger: Logger = Logger(label: "provider")) {
        self.configuration = configuration
        self.http = http
        self.clock = clock
        self.logger = logger
        breaker = CircuitBreaker(failureThreshold: configuration.breakerThreshold, coolDown: configuration.breakerCoolDown, clock: clock)
        budget = RequestBudget(requests: configuration.budgetRequests, per: configuration.budgetPeriod, clock: clock)
        callCounter = Counter(label: "provider_calls_total", dimensions: [("provider", configuration.name)])
        failureCounter = Counter(label: "provider_failures_total", dimensions: [("provider", configuration.name)])
    }

    /// Provider name.
    public var name: String { configuration.name }

    /// Fetches `path` (below the base URL) with `query` and parses the body with `parse`, through the breaker,
    /// the budget and the retry policy. Parse failures count against the provider like HTTP failures.
    public func get<T: Sendable>(_ path: String, query: [(String, String)] = [],
                                 parse: (ByteBuffer) throws(ProviderWireError) -> T) async throws(ProviderFailure) -> T {
        var attempt = 1
        while true {
            do throws(ProviderFailure) {
                let value = try await attemptOnce(path, query: query, parse: parse)
                return value
            } catch {
                guard let delay = configuration.retry.delay(after: error, attempt: attempt) else { throw error }
                logger.debug("retrying provider call", metadata: ["provider": "\(name)", "path": "\(path)",
                                                                 "error": "\(error.kind.rawValue)", "attempt": "\(attempt)"])
                attempt += 1
                do { try await Task.sleep(for: delay) } catch { throw ProviderFailure(provider: name, kind: .timeout, message: "cancelled") }
            }
        }
    }

    private func attemptOnce<T: Sendable>(_ path: String, query: [(String, String)],
                                          parse: (ByteBuffer) throws(ProviderWireError) -> T) async throws(ProviderFailure) -> T {
        guard breaker.permit() else {
            throw ProviderFailure(provider: name, kind: .breakerOpen,
                                  message: String(format: "circuit open after repeated failures; next trial in %.0f s",
                                                  breaker.secondsUntilTrial),
                                  retryAfter: .seconds(max(1, breaker.secondsUntilTrial.rounded(.up))))
        }
        if let wait = budget.acquire() {
            breaker.recordNeutral()
            throw ProviderFailure(provider: name, kind: .budgetExhausted,
                                  message: String(format: "request budget spent (%d per %.0f s); next call in %.1f s",
                                                  configuration.budgetRequests, configuration.budgetPeriod.secondsValue, wait.secondsValue),
                                  retryAfter: wait)
        }
        callCounter.increment()
        let (url, redacted, headers) = request(path, query: query)
        do throws(ProviderFailure) {
            let response = try await http.get(provider: name, url: url, redactedURL: redacted, headers: headers,
                                               timeout: configuration.timeout)
            if response.status == 429 {
                let wait = response.retryAfter ?? configuration.defaultRateLimitWait
                budget.block(for: wait)
                throw ProviderFailure(provider: name, kind: .rateLimited,
                                      message: "HTTP 429 from \(redacted); Retry-After \(Int(wait.secondsValue.rounded(.up))) s",
                                      status: 429, retryAfter: wait)
            }
            let value: T
            do throws(ProviderWireError) {
                value = try parse(response.body)
            } catch {
                throw Self.failure(from: error, provider: name, status: response.status, path: redacted)
            }
            guard (200..<300).contains(response.status) else {
                // An error status whose body parsed anyway is still an error.
                throw ProviderFailure(provider: name, kind: .httpStatus, message: "HTTP \(response.status) from \(redacted)",
                                      status: response.status)
            }
            breaker.recordSuccess()
            stats.withLock { s in
                s.calls += 1
                s.lastSuccess = clock.wallMillis()
            }
            return value
        } catch {
            failureCounter.increment()
            if error.kind == .rateLimited { budget.block(for: error.retryAfter ?? configuration.defaultRateLimitWait) }
            if error.countsAgainstProvider { breaker.recordFailure() } else { breaker.recordNeutral() }
            let now = clock.wallMillis()
            stats.withLock { s in
                s.calls += 1
                s.failures += 1
                s.lastFailure = now
                s.lastError = "\(error.kind.rawValue): \(error.message)"
            }
            logger.info("provider call failed", metadata: ["provider": "\(name)", "error": "\(error.kind.rawValue)",
                                                           "detail": "\(error.message)"])
            throw error
        }
    }

    /// The full URL, its redacted form (path and non-secret query) and the headers of a request.
    func request(_ path: String, query: [(String, String)]) -> (String, String, [(String, String)]) {
        var items = query
        var headers: [(String, String)] = []
        if let key = configuration.apiKey, let placement = configuration.keyPlacement {
            switch placement {
            case .header(let header, let format): headers.append((header, format.replacingOccurrences(of: "%@", with: key)))
            case .query(let item): items.append((item, key))
            }
        }
        func encode(_ items: [(String, String)]) -> String {
            items.isEmpty ? "" : "?" + items.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        let url = configuration.baseURL + path + encode(items)
        return (url, "\(name):\(path)\(encode(query))", headers)
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~,")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func failure(from error: ProviderWireError, provider: String, status: Int, path: String) -> ProviderFailure {
        let httpStatus: Int? = status == 200 ? nil : status
        switch error {
        case .malformedBody(_, let reason):
            if status >= 400 {
                return ProviderFailure(provider: provider, kind: .httpStatus, message: "HTTP \(status) from \(path): \(reason)", status: status)
            }
            return ProviderFailure(provider: provider, kind: .malformed, message: "\(path): \(reason)", status: httpStatus)
        case .providerError:
            if error.isRateLimited {
                return ProviderFailure(provider: provider, kind: .rateLimited, message: error.description, status: httpStatus)
            }
            if status >= 500 {
                return ProviderFailure(provider: provider, kind: .httpStatus, message: error.description, status: status)
            }
            return ProviderFailure(provider: provider, kind: .providerError, message: error.description, status: httpStatus)
        case .emptyResult:
            return ProviderFailure(provider: provider, kind: .providerError, message: error.description, status: httpStatus)
        }
    }

    /// This provider's health: breaker state, last success and error, budget.
    ///
    /// An open breaker reports `openStatus`: `healthy` by default, because the service still answers (from the
    /// next provider, or stale) and an offline deployment must not look broken; `degraded` when asked for.
    public func healthCheck(openStatus: HealthStatus = .healthy) -> ComponentCheck {
        let s = stats.withLock { $0 }
        let state = breaker.state
        var observed: [String: JSON] = [
            "breaker": .string(state.rawValue),
            "calls": .number(Double(s.calls)),
            "failures": .number(Double(s.failures)),
            "budget_available": .number((budget.available * 10).rounded() / 10),
            "budget_per_minute": .number((Double(configuration.budgetRequests) * 60 / configuration.budgetPeriod.secondsValue).rounded()),
        ]
        if let last = s.lastSuccess { observed["last_success_ms"] = .number(Double(last)) }
        if let last = s.lastFailure { observed["last_failure_ms"] = .number(Double(last)) }
        if budget.blockedForSeconds > 0 { observed["rate_limited_for_s"] = .number(budget.blockedForSeconds.rounded(.up)) }
        let status: HealthStatus = state == .closed ? .healthy : openStatus
        return ComponentCheck(name: "provider:\(name)", status: status,
                              detail: state == .closed ? s.lastError.map { "last error: \($0)" } : "circuit \(state.rawValue)",
                              observed: observed)
    }
}
