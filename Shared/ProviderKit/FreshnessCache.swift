import Synchronization

/// A value remembered with where and when it was fetched.
public struct CachedValue<Value: Sendable>: Sendable {
    /// The value.
    public var value: Value
    /// The provider it came from.
    public var source: String
    /// When the data was true at the source (epoch ms).
    public var asOf: Int64
    /// When we fetched it (epoch ms).
    public var fetchedAt: Int64
    /// Monotonic time of the fetch (seconds).
    var storedAt: Double
    /// How long it counts as fresh.
    public var ttl: Duration

    /// Seconds since the fetch at monotonic time `now`.
    public func age(now: Double) -> Double { max(0, now - storedAt) }
    /// Seconds of freshness left at `now` (negative once expired).
    public func remaining(now: Double) -> Double { ttl.secondsValue - age(now: now) }
}

/// A TTL cache that also keeps the last known value after expiry, so that when every provider fails the service
/// can serve it flagged `stale: true` (up to a maximum age), instead of inventing anything.
public final class FreshnessCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Storage {
        var entries: [Key: CachedValue<Value>] = [:]
    }

    private let storage = Mutex(Storage())
    /// The clock ages are measured with.
    public let clock: ProviderClock
    /// Most entries kept; the oldest are evicted beyond it.
    public let capacity: Int

    /// Creates an empty cache.
    public init(capacity: Int = 10_000, clock: ProviderClock = .system) {
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    /// Stores a freshly fetched value.
    public func store(_ key: Key, _ value: Value, source: String, asOf: Int64? = nil, ttl: Duration) {
        let fetchedAt = clock.wallMillis()
        let entry = CachedValue(value: value, source: source, asOf: asOf ?? fetchedAt, fetchedAt: fetchedAt,
                                storedAt: clock.monotonic(), ttl: ttl)
        storage.withLock { s in
            s.entries[key] = entry
            if s.entries.count > capacity, let oldest = s.entries.min(by: { $0.value.storedAt < $1.value.storedAt })?.key {
                s.entries.removeValue(forKey: oldest)
            }
        }
    }

    /// The value when it is still fresh.
    public func fresh(_ key: Key) -> CachedValue<Value>? {
        let now = clock.monotonic()
        return storage.withLock { s in
            guard let entry = s.entries[key], entry.remaining(now: now) > 0 else { return nil }
            return entry
        }
    }

    /// The last known value when it is at most `maxAge` old, fresh or not.
    public func lastKnown(_ key: Key, maxAge: Duration) -> CachedValue<Value>? {
        let now = clock.monotonic()
        return storage.withLock { s in
            guard let entry = s.entries[key], entry.age(now: now) <= maxAge.secondsValue else { return nil }
            return entry
        }
    }

    /// Number of entries.
    public var count: Int { storage.withLock { $0.entries.count } }
}
