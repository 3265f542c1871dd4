import Foundation
import Synchronization

/// Short-lived, single-use tickets for browsers, which cannot set headers on a WebSocket handshake:
/// `POST /api/ws/ticket` (authenticated like any request) issues one bound to the caller's identity, and
/// `GET /ws?ticket=…` redeems it once, within its lifetime.
final class TicketStore: Sendable {
    private struct Entry {
        let identity: Identity
        let expires: ContinuousClock.Instant
    }

    /// Lifetime of a ticket.
    let ttl: Duration
    /// Most outstanding tickets; issuing beyond it first drops expired ones, then refuses.
    let capacity: Int
    private let tickets = Mutex<[String: Entry]>([:])

    /// Creates a store.
    init(ttl: Duration, capacity: Int = 100_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    /// Issues a ticket (256 random bits, URL-safe hex) for `identity`; nil when the store is full.
    func issue(for identity: Identity, now: ContinuousClock.Instant = .now) -> String? {
        var generator = SystemRandomNumberGenerator()
        let ticket = (0..<4).map { _ in
            let digits = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
        return tickets.withLock { tickets in
            if tickets.count >= capacity { tickets = tickets.filter { $0.value.expires > now } }
            guard tickets.count < capacity else { return nil }
            tickets[ticket] = Entry(identity: identity, expires: now + ttl)
            return ticket
        }
    }

    /// Redeems a ticket: when it exists and has not expired, runs `admit` with its identity and — only if `admit`
    /// succeeds — removes it, so a refused connection (e.g. over the connection limit) leaves the ticket usable.
    /// Throws ``LiveRejection/invalidTicket`` for an unknown, expired or already used ticket.
    func redeem<T>(_ ticket: String, now: ContinuousClock.Instant = .now,
                   _ admit: (Identity) throws(LiveRejection) -> T) throws(LiveRejection) -> T {
        try tickets.withLock { tickets throws(LiveRejection) -> T in
            guard let entry = tickets[ticket] else { throw .invalidTicket }
            guard entry.expires > now else {
                tickets.removeValue(forKey: ticket)
                throw .invalidTicket
            }
            let admitted = try admit(entry.identity)
            tickets.removeValue(forKey: ticket)
            return admitted
        }
    }

    /// Outstanding tickets (including expired ones not yet dropped).
    var count: Int { tickets.withLock { $0.count } }
}

/// Why an upgrade to `/ws` was refused.
enum LiveRejection: Error, Sendable, Equatable {
    /// The ticket is unknown, expired or already used.
    case invalidTicket
    /// The identity already has its tier's number of connections open.
    case tooManyConnections(limit: Int, tier: Tier)
}

/// Counts open connections per identity (its `limitKey`).
final class ConnectionLimiter: Sendable {
    private let open = Mutex<[String: Int]>([:])

    /// Takes a connection slot for `identity` when fewer than `limit` are open; the slot is given back when the
    /// returned lease is released or deallocated.
    func acquire(_ identity: Identity, limit: Int) throws(LiveRejection) -> ConnectionLease {
        let key = identity.limitKey
        try open.withLock { open throws(LiveRejection) in
            let current = open[key] ?? 0
            guard current < limit else { throw .tooManyConnections(limit: limit, tier: identity.tier) }
            open[key] = current + 1
        }
        return ConnectionLease(limiter: self, key: key)
    }

    /// Open connections of an identity.
    func count(_ identity: Identity) -> Int { open.withLock { $0[identity.limitKey] ?? 0 } }

    fileprivate func release(_ key: String) {
        open.withLock { open in
            let remaining = (open[key] ?? 1) - 1
            open[key] = remaining > 0 ? remaining : nil
        }
    }
}

/// One open connection's slot; released exactly once (explicitly or when deallocated).
final class ConnectionLease: Sendable {
    private let limiter: ConnectionLimiter
    private let key: String
    private let released = Atomic<Bool>(false)

    fileprivate init(limiter: ConnectionLimiter, key: String) {
        self.limiter = limiter
        self.key = key
    }

    /// Gives the slot back.
    func release() {
        if !released.exchange(true, ordering: .relaxed) { limiter.release(key) }
    }

    deinit { release() }
}

/// Carries the `/ws` gate's decision from the router (where authentication and the gate run) to the server
/// channel that performs the upgrade. One per request; only upgrade attempts are marked.
public final class LiveUpgradeSlot: Sendable {
    private let state = Mutex<(attempt: Bool, admission: LiveAdmission?)>((false, nil))

    /// Creates an empty slot.
    public init() {}

    /// Marks the request as a WebSocket upgrade attempt (set by the server channel before routing).
    func markAttempt() { state.withLock { $0.attempt = true } }
    /// Whether the request is an upgrade attempt.
    var isAttempt: Bool { state.withLock { $0.attempt } }
    /// Records the admitted connection.
    func admit(_ admission: LiveAdmission) { state.withLock { $0.admission = admission } }
    /// The admitted connection, if the gate let it through.
    var admission: LiveAdmission? { state.withLock { $0.admission } }
}

/// An admitted `/ws` connection: who it is, its limits and its connection slot.
public struct LiveAdmission: Sendable {
    /// The connected identity (from the ticket, or from the request's credentials).
    let identity: Identity
    /// The identity's tier limits.
    let limits: LiveTierLimits
    /// Its connection slot.
    let lease: ConnectionLease
}
