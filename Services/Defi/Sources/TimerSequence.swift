/// An `AsyncSequence` of ticks: one at once, then one every `interval` on a fixed schedule (a slow tick does not
/// shift later ones; missed ticks are skipped, not bunched). It ends when the iterating task is cancelled, so
/// under `cancelWhenGracefulShutdown` a service's loop stops at graceful shutdown.
struct TimerSequence: AsyncSequence, Sendable {
    typealias Element = ContinuousClock.Instant

    /// Time between ticks.
    let interval: Duration
    /// Whether the first tick comes at once (otherwise after one interval).
    let immediately: Bool

    /// Creates the sequence; intervals under 10 ms count as 10 ms.
    init(every interval: Duration, immediately: Bool = true) {
        self.interval = Swift.max(interval, .milliseconds(10))
        self.immediately = immediately
    }

    /// An iterator whose first deadline is now (or one interval from now).
    func makeAsyncIterator() -> Iterator {
        let now = ContinuousClock.now
        return Iterator(interval: interval, next: immediately ? now : now + interval)
    }

    /// The iterator: sleeps until the next deadline.
    struct Iterator: AsyncIteratorProtocol {
        let interval: Duration
        var next: ContinuousClock.Instant

        /// Sleeps until the next deadline and returns it; nil once the task is cancelled.
        mutating func next() async -> ContinuousClock.Instant? {
            do {
                try await Task.sleep(until: next, clock: .continuous)
            } catch {
                return nil
            }
            let fired = next
            let now = ContinuousClock.now
            next += interval
            while next <= now { next += interval }
            return fired
        }
    }
}
