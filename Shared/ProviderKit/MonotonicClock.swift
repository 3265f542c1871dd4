import Foundation

/// A source of "now" for the time-dependent parts (breakers, budgets, caches), injectable in tests.
public struct ProviderClock: Sendable {
    /// Monotonic seconds, for ages and cool-downs.
    public var monotonic: @Sendable () -> Double
    /// Wall-clock epoch milliseconds, for `fetched_at` and `as_of`.
    public var wallMillis: @Sendable () -> Int64

    /// Creates a clock from two closures.
    public init(monotonic: @escaping @Sendable () -> Double, wallMillis: @escaping @Sendable () -> Int64) {
        self.monotonic = monotonic
        self.wallMillis = wallMillis
    }

    /// The system clocks.
    public static let system = ProviderClock(
        monotonic: {
            var spec = timespec()
            clock_gettime(CLOCK_MONOTONIC, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        },
        wallMillis: { Int64((Date().timeIntervalSince1970 * 1_000).rounded()) })
}

extension Duration {
    /// The duration in (fractional) seconds.
    public var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
