import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// The RPC server serves each connection's calls with this executor preferred, and ``RPCClient/taskExecutor`` hands
/// one to callers: code that prefers it runs on the thread that reads and writes the socket, so a short call crosses
/// no thread boundary in this process. On an idle machine each such hop is a wake-up of 10–20 µs, which otherwise
/// dominates a short call's round trip. Only for work that never blocks the thread (see ``RPCHandlerPlacement``).
public final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop the jobs run on.
    public let eventLoop: any EventLoop

    /// Creates an executor for `eventLoop`.
    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Runs `job` on the event loop (after the work already queued there, also when called from the loop itself).
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
