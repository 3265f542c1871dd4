import NIOPosix
import RPC

/// A thread of its own for CPU-heavy synchronous test work (model loads, forward passes, large reference loops).
///
/// Swift Testing runs every test on Swift's cooperative pool, which has one thread per core — two here. A few
/// synchronous tests that each compute for seconds would hold every pool thread at once, and every other test in
/// the run (servers, clients, timers: anything that needs the pool to resume) would stall behind them until one
/// finished; tests that measure a timeout then fail for reasons that have nothing to do with what they test.
/// Work run through ``run(_:)`` executes on this one dedicated thread instead, in the calling test's task (so
/// `#expect` still records issues against that test), one such body at a time; the OS shares the cores fairly
/// between it and the pool.
public enum HeavyWork {
    private static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private static let executor = EventLoopTaskExecutor(eventLoop: group.next())

    /// Runs `body` on the dedicated thread and returns its result.
    public static func run<T>(_ body: () throws -> T) async throws -> T {
        try await withTaskExecutorPreference(executor) {
            // Suspend once so the task resumes on the preferred executor before the synchronous work starts.
            await Task.yield()
            return try body()
        }
    }
}
