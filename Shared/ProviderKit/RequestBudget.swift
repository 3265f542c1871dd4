import Synchronization

/// A token bucket per provider matching its free-tier limit, plus the "do not call before" time an upstream
/// 429 `Retry-After` sets.
public final class RequestBudget: Sendable {
    private struct Storage {
        var tokens: Double
        var updatedAt: Double
        var blockedUntil: Double = 0
        var refused = 0
    }

    /// Bucket size (the largest burst).
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    private let clock: ProviderClock
    private let storage: Mutex<Storage>

    /// A bucket allowing `requests` per `period`, bursting up to `burst` (default: the whole allowance).
    public init(requests: Int, per period: Duration, burst: Int? = nil, clock: ProviderClock = .system) {
        let capacity = Double(max(1, burst ?? requests))
        self.capacity = capacity
        self.refillPerSecond = Double(max(1, requests)) / max(period.secondsValue, 0.001)
        self.clock = clock
        self.storage = Mutex(Storage(tokens: capacity, updatedAt: clock.monotonic()))
    }

    /// Takes one token when the budget allows a call now; otherwise returns how long to wait.
    public func acquire() -> Duration? {
        let now = clock.monotonic()
        return storage.withLock { s in
            if now < s.blockedUntil {
                s.refused += 1
                return .milliseconds(Int64(((s.blockedUntil - now) * 1_000).rounded(.up)))
            }
            s.tokens = min(capacity, s.tokens + (now - s.updatedAt) * refillPerSecond)
            s.updatedAt = now
            guard s.tokens >= 1 else {
                s.refused += 1
                return .milliseconds(Int64(((1 - s.tokens) / refillPerSecond * 1_000).rounded(.up)))
            }
            s.tokens -= 1
            return nil
        }
    }

    /// Honours an upstream `Retry-After`: no call before `now + wait`.
    public func block(for wait: Duration) {
        let until = clock.monotonic() + wait.secondsValue
        storage.withLock { s in s.blockedUntil = max(s.blockedUntil, until) }
    }

    /// Tokens available now (for health reports).
    public var available: Double {
        let now = clock.monotonic()
        return storage.withLock { s in
            now < s.blockedUntil ? 0 : min(capacity, s.tokens + (now - s.updatedAt) * refillPerSecond)
        }
    }

    /// Seconds until a `Retry-After` block ends (0 when not blocked).
    public var blockedForSeconds: Double {
        let now = clock.monotonic()
        return storage.withLock { s in max(0, s.blockedUntil - now) }
    }

    /// Calls refused so far.
    public var refusedCount: Int { storage.withLock { $0.refused } }
}
