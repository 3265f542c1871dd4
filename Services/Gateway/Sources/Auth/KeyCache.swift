import AccessKeys
import Contracts
import Logging
import Synchronization

/// The gateway's bounded-time cache of key records, by key id.
///
/// A record is trusted for `ttl` (≤ 30 s) and then fetched again, so a key revoked by any means (the CLI, another
/// gateway) stops working within `ttl`; a revocation through this gateway is applied at once with
/// ``invalidate(id:)``. When store-svc cannot be reached, a record already held keeps being used until it is
/// `staleLimit` (55 s) old, then look-ups fail closed (503). Unknown ids are remembered for 5 s only, so a key
/// created moments ago is found quickly. The cache holds at most `capacity` ids.
public final class KeyCache: Sendable {
    /// One cached look-up; a class, so reading it under the lock copies one reference, not the whole record.
    final class Entry: Sendable {
        let record: APIKeyRecord?
        /// The record's hash as bytes, decoded once.
        let digest: [UInt8]?
        /// The record's scopes as a set, built once (every authenticated request needs it).
        let scopes: Set<String>
        let fetchedAt: Int64
        /// When `last_used_at` was last sent for this key (ns), carried over when the entry is refreshed.
        let lastTouch: Atomic<Int64>

        init(record: APIKeyRecord?, fetchedAt: Int64, lastTouch: Int64) {
            self.record = record
            self.digest = record.flatMap { APIKey.digest(storedHash: $0.hash) }
            self.scopes = Set(record?.scopes ?? [])
            self.fetchedAt = fetchedAt
            self.lastTouch = Atomic(lastTouch)
        }

        /// The record with its scope set, when there is a record.
        var found: Found? { record.map { Found(record: $0, scopes: scopes) } }
    }

    let store: any KeyStore
    let clock: AuthClock
    let ttl: Int64
    let negativeTTL: Int64
    let staleLimit: Int64
    let capacity: Int
    let logger: Logger
    private let entries = Mutex<[String: Entry]>([:])

    /// Creates a cache in front of `store`; `ttlSeconds` is capped at 30.
    public init(store: any KeyStore, clock: AuthClock = .system, ttlSeconds: Int64 = 30, capacity: Int = 10_000,
                logger: Logger = Logger(label: "gateway.keys")) {
        self.store = store
        self.clock = clock
        self.ttl = min(max(ttlSeconds, 0), 30) * 1_000_000_000
        self.negativeTTL = min(self.ttl, 5_000_000_000)
        self.staleLimit = 55_000_000_000
        self.capacity = capacity
        self.logger = logger
    }

    /// A key record with its scopes as a set.
    public struct Found: Sendable {
        /// The record.
        public var record: APIKeyRecord
        /// `record.scopes` as a set.
        public var scopes: Set<String>
    }

    /// The active record of a presented key whose hash matches, else nil (unknown, revoked or wrong secret).
    nonisolated(nonsending) public func authenticate(_ key: APIKey, requestID: String?) async throws -> Found? {
        let now = clock.nanoseconds()
        if let cached = entries.withLock({ $0[key.id] }), now - cached.fetchedAt < (cached.record == nil ? negativeTTL : ttl) {
            guard let record = cached.record, record.isActive, record.prefix == key.prefix,
                  let digest = cached.digest, key.matches(digest: digest) else { return nil }
            return Found(record: record, scopes: cached.scopes)
        }
        return try await fetchAndAuthenticate(key, requestID: requestID)
    }

    /// The slow path of ``authenticate(_:requestID:)``: ask the store.
    nonisolated(nonsending) func fetchAndAuthenticate(_ key: APIKey, requestID: String?) async throws -> Found? {
        guard let found = try await entry(id: key.id, requestID: requestID), found.record.isActive,
              found.record.prefix == key.prefix, key.matches(storedHash: found.record.hash) else { return nil }
        return found
    }

    /// The record of a key id (revoked or not), from the cache when fresh enough.
    nonisolated(nonsending) public func record(id: String, requestID: String?) async throws -> APIKeyRecord? {
        try await entry(id: id, requestID: requestID)?.record
    }

    /// The record of a key id (revoked or not) with its scope set, from the cache when fresh enough.
    nonisolated(nonsending) public func entry(id: String, requestID: String?) async throws -> Found? {
        let now = clock.nanoseconds()
        let cached = entries.withLock { $0[id] }
        if let cached {
            let age = now - cached.fetchedAt
            if age < (cached.record == nil ? negativeTTL : ttl) { return cached.found }
        }
        do {
            let record = try await store.find(prefix: APIKey.marker + id, requestID: requestID)
            let entry = entries.withLock { entries in
                if entries.count >= capacity, entries[id] == nil { Self.evict(&entries, now: now, ttl: ttl, capacity: capacity) }
                let entry = Entry(record: record, fetchedAt: now, lastTouch: entries[id]?.lastTouch.load(ordering: .relaxed) ?? 0)
                entries[id] = entry
                return entry
            }
            return entry.found
        } catch {
            if let cached, cached.record != nil, now - cached.fetchedAt < staleLimit {
                logger.warning("key store unreachable; using the cached key record", metadata: ["key.id": "\(id)"])
                return cached.found
            }
            throw error
        }
    }

    /// Forgets a key at once (after a revocation through this gateway).
    public func invalidate(id: String) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }

    /// Whether a key's `last_used_at` is due an update (at most once a minute per key); marks it done.
    func touchDue(id: String) -> Bool {
        let now = clock.nanoseconds()
        guard let entry = entries.withLock({ $0[id] }) else { return false }
        var last = entry.lastTouch.load(ordering: .relaxed)
        while now - last >= 60_000_000_000 {
            let (exchanged, current) = entry.lastTouch.compareExchange(expected: last, desired: now, ordering: .relaxed)
            if exchanged { return true }
            last = current
        }
        return false
    }

    /// Drops expired entries, then the oldest half if still full.
    static func evict(_ entries: inout [String: Entry], now: Int64, ttl: Int64, capacity: Int) {
        entries = entries.filter { now - $0.value.fetchedAt < ttl }
        guard entries.count >= capacity else { return }
        let sorted = entries.sorted { $0.value.fetchedAt < $1.value.fetchedAt }
        for (id, _) in sorted.prefix(sorted.count / 2 + 1) { entries.removeValue(forKey: id) }
    }
}
