import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// The RPC server serves a connection's calls with this executor preferred, so a handler runs on the thread that
/// read its frame and its response is written without a hop to another thread: on an idle machine each hop costs
/// a thread wake-up, which dominates a short call's round trip.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    /// Creates an executor for `eventLoop`.
    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
