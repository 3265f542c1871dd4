import Synchronization

/// A circuit breaker for one provider: closed (calls pass) → open after `failureThreshold` consecutive failures
/// (calls are refused for `coolDown`) → half-open (one trial call) → closed on success, open again on failure.
public final class CircuitBreaker: Sendable {
    /// The breaker's state.
    public enum State: String, Sendable, Hashable {
        case closed, open
        case halfOpen = "half-open"
    }

    private struct Storage {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: Double = 0
        var trialInFlight = false
        var opens = 0
    }

    /// Consecutive failures that open the breaker.
    public let failureThreshold: Int
    /// How long an open breaker refuses calls before it lets a trial through.
    public let coolDown: Duration
    private let clock: ProviderClock
    private let storage = Mutex(Storage())

    /// Creates a closed breaker.
    public init(failureThreshold: Int = 5, coolDown: Duration = .seconds(30), clock: ProviderClock = .system) {
        self.failureThreshold = max(1, failureThreshold)
        self.coolDown = coolDown
        self.clock = clock
    }

    /// The current state (an open breaker whose cool-down has passed reads as half-open).
    public var state: State {
        let now = clock.monotonic()
        let cool = coolDown.secondsValue
        return storage.withLock { s in
            s.state == .open && now - s.openedAt >= cool ? .halfOpen : s.state
        }
    }

    /// How many times the breaker has opened.
    public var openCount: Int { storage.withLock { $0.opens } }

    /// Seconds until an open breaker lets a trial through (0 when not open).
    public var secondsUntilTrial: Double {
        let now = clock.monotonic()
        let cool = coolDown.secondsValue
        return storage.withLock { s in s.state == .open ? max(0, s.openedAt + cool - now) : 0 }
    }

    /// Asks to make a call: true when closed, or when half-open and no other trial is in flight.
    public func permit() -> Bool {
        let now = clock.monotonic()
        let cool = coolDown.secondsValue
        return storage.withLock { s in
            switch s.state {
            case .closed: return true
            case .open:
                guard now - s.openedAt >= cool else { return false }
                s.state = .halfOpen
                s.trialInFlight = true
                return true
            case .halfOpen:
                if s.trialInFlight { return false }
                s.trialInFlight = true
                return true
            }
        }
    }

    /// Records a successful call: the breaker closes.
    public func recordSuccess() {
        storage.withLock { s in
            s.state = .closed
            s.consecutiveFailures = 0
            s.trialInFlight = false
        }
    }

    /// Records a failed call: a failed trial re-opens the breaker; the threshold-th consecutive failure opens it.
    public func recordFailure() {
        let now = clock.monotonic()
        storage.withLock { s in
            s.consecutiveFailures += 1
            if s.state == .halfOpen || (s.state == .closed && s.consecutiveFailures >= failureThreshold) {
                s.state = .open
                s.openedAt = now
                s.opens += 1
            }
            s.trialInFlight = false
        }
    }

    /// Records a call that ended without saying anything about the provider's health (a 4xx, a cancellation):
    /// a half-open trial slot is released without changing state.
    public func recordNeutral() {
        storage.withLock { s in s.trialInFlight = false }
    }
}
