import Foundation
import Synchronization

/// Wall-clock time for limits, tokens and caches, injectable so tests can move through minutes and days.
public struct AuthClock: Sendable {
    /// Nanoseconds since the Unix epoch.
    public let nanoseconds: @Sendable () -> Int64

    /// Creates a clock from a time source.
    public init(nanoseconds: @escaping @Sendable () -> Int64) { self.nanoseconds = nanoseconds }

    /// The system clock.
    public static let system = AuthClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Whole seconds since the epoch.
    public var seconds: Int64 { nanoseconds() / 1_000_000_000 }
}

/// One tier's limits: requests per minute (GCRA) and per UTC day; nil means unlimited.
public struct TierLimits: Sendable, Hashable {
    /// Requests per rolling minute (burst up to the whole minute's allowance), or nil.
    public var perMinute: Int?
    /// Requests per UTC day (reset at 00:00 UTC), or nil.
    public var perDay: Int?
    /// Most symbols one call may ask for (`symbols=` lists), or nil for the route's own maximum.
    public var maxSymbols: Int?

    /// Creates limits.
    public init(perMinute: Int?, perDay: Int?, maxSymbols: Int? = nil) {
        self.perMinute = perMinute
        self.perDay = perDay
        self.maxSymbols = maxSymbols
    }

    /// Whether neither limit applies.
    public var isUnlimited: Bool { perMinute == nil && perDay == nil }
}

/// What the limiter decided for one request, with the state the headers report.
///
/// The (at most two) windows are stored inline, not in an array: a decision is made for every limited request.
public struct RateDecision: Sendable, Hashable {
    /// One policy's state after the decision.
    public struct Window: Sendable, Hashable {
        /// `minute` or `day`.
        public var name: String
        /// Requests allowed per window.
        public var quota: Int
        /// Window length in seconds.
        public var windowSeconds: Int
        /// Requests still allowed now.
        public var remaining: Int
        /// Seconds until the window's allowance is whole again (minute) or the day resets (day).
        public var resetSeconds: Int
    }

    /// Whether the request may proceed (and was charged).
    public var allowed: Bool
    /// The per-minute policy's state, when the tier has one.
    public var minute: Window?
    /// The per-day policy's state, when the tier has one.
    public var day: Window?
    /// When rejected: seconds until a request would be accepted.
    public var retryAfterSeconds: Int

    /// The policies that apply, minute first.
    public var windows: [Window] {
        switch (minute, day) {
        case let (minute?, day?): [minute, day]
        case let (minute?, nil): [minute]
        case let (nil, day?): [day]
        case (nil, nil): []
        }
    }

    /// The policy the `X-RateLimit-*` headers describe: the one with the fewest requests left (minute on ties),
    /// or, when rejected, the one that refused.
    public var binding: Window? {
        guard let minute else { return day }
        guard let day else { return minute }
        return day.remaining < minute.remaining ? day : minute
    }
}

/// Per-identity request limits: a GCRA (generic cell rate algorithm, a token bucket without a timer) per minute
/// and a counter per UTC day. A request is charged only when both allow it, atomically, so rejected requests cost
/// nothing and concurrent requests can never overshoot. State is sharded over mutexes by identity; a decision is
/// one hash look-up and a few integer operations inside the lock (no allocation on the common path).
///
/// Why a mutex and not an atomic: the minute's theoretical arrival time and the day's count must change together
/// or not at all (a request refused by one window is not charged to the other). Two separate atomics would need a
/// compensating undo that other requests could observe (refusing a request that should pass); an uncontended
/// futex-based `Mutex` costs one compare-and-swap, like a CAS loop on one atomic.
public final class RateLimiter: Sendable {
    static let minute: Int64 = 60_000_000_000
    static let day: Int64 = 86_400_000_000_000

    struct Bucket {
        /// GCRA theoretical arrival time (ns since epoch).
        var tat: Int64 = 0
        /// UTC day number of `count`.
        var day: Int64 = -1
        /// Requests charged on `day`.
        var count: Int = 0
    }

    /// One shard of the buckets (a class: `Mutex` cannot live in an array).
    final class Shard: Sendable {
        let buckets = Mutex<[String: Bucket]>([:])
    }

    private let shards: [Shard]
    private let clock: AuthClock
    /// Idle buckets are swept from a shard that grows past this many.
    private let sweepThreshold: Int

    /// Creates a limiter on a clock.
    public init(clock: AuthClock = .system, shards: Int = 32, sweepThreshold: Int = 4_096) {
        self.clock = clock
        self.shards = (0..<max(1, shards)).map { _ in Shard() }
        self.sweepThreshold = sweepThreshold
    }

    /// Decides one request of `key` under `limits`, charging it when allowed; nil when `limits` is unlimited.
    public func acquire(_ key: String, limits: TierLimits) -> RateDecision? {
        guard !limits.isUnlimited else { return nil }
        let now = clock.nanoseconds()
        let hash = key.hashValue
        let shard = shards[Int(UInt(bitPattern: hash) % UInt(shards.count))]
        return shard.buckets.withLock { buckets in
            if let index = buckets.index(forKey: key) {
                return Self.decide(&buckets.values[index], limits: limits, now: now)
            }
            var bucket = Bucket()
            let decision = Self.decide(&bucket, limits: limits, now: now)
            if decision.allowed {
                if buckets.count >= sweepThreshold { Self.sweep(&buckets, now: now, keep: key) }
                buckets[key] = bucket
            }
            return decision
        }
    }

    /// The decision for `bucket` at `now`; mutates `bucket` only when the request is allowed.
    static func decide(_ bucket: inout Bucket, limits: TierLimits, now: Int64) -> RateDecision {
        // Each window's state with and without this request; the request is charged only if every window allows it.
        var charged = RateDecision(allowed: true, minute: nil, day: nil, retryAfterSeconds: 0)
        var uncharged = RateDecision(allowed: false, minute: nil, day: nil, retryAfterSeconds: 0)
        var allowed = true
        var retryAfter: Int64 = 0
        var newTAT: Int64?
        if let perMinute = limits.perMinute {
            let interval = minute / Int64(max(1, perMinute))
            let tat = max(bucket.tat, now)
            let next = tat + interval
            uncharged.minute = .init(name: "minute", quota: perMinute, windowSeconds: 60,
                                     remaining: max(0, Int((minute - (tat - now)) / interval)), resetSeconds: ceilSeconds(tat - now))
            if perMinute > 0, next - now <= minute {
                newTAT = next
                charged.minute = .init(name: "minute", quota: perMinute, windowSeconds: 60,
                                       remaining: Int((minute - (next - now)) / interval), resetSeconds: ceilSeconds(next - now))
            } else {
                allowed = false
                retryAfter = max(retryAfter, perMinute > 0 ? next - minute - now : day)
            }
        }
        var newCount: Int?
        if let perDay = limits.perDay {
            let today = now / day
            let used = bucket.day == today ? bucket.count : 0
            let reset = ceilSeconds((today + 1) * day - now)
            uncharged.day = .init(name: "day", quota: perDay, windowSeconds: 86_400, remaining: max(0, perDay - used), resetSeconds: reset)
            if used < perDay {
                newCount = used + 1
                charged.day = .init(name: "day", quota: perDay, windowSeconds: 86_400, remaining: perDay - used - 1, resetSeconds: reset)
            } else {
                allowed = false
                retryAfter = max(retryAfter, (today + 1) * day - now)
            }
        }
        guard allowed else {
            // Nothing is charged: report what is left without this request (0 in the refusing window).
            uncharged.retryAfterSeconds = max(1, ceilSeconds(retryAfter))
            return uncharged
        }
        if let newTAT { bucket.tat = newTAT }
        if let newCount {
            bucket.day = now / day
            bucket.count = newCount
        }
        return charged
    }

/// Removes buckets whose minute allowance is whole again and whose day count is not today's.
    static func sweep(_ buckets: inout [String: Bucket], now: Int64, keep: String) {
        let today = now / day
        buckets = buckets.filter { key, bucket in key == keep || bucket.tat > now || bucket.day == today }
    }

    /// Nanoseconds rounded up to whole seconds.
    static func ceilSeconds(_ nanoseconds: Int64) -> Int {
        nanoseconds <= 0 ? 0 : Int((nanoseconds + 999_999_999) / 1_000_000_000)
    }
}
