import Foundation
import Logging
import ServiceLifecycle

/// A `Service` that runs `work` after `initialDelay` and then every `interval` until graceful shutdown.
///
/// A failing run is logged and the schedule goes on; a run in progress when shutdown starts is allowed to finish
/// (its outcome matters more than a prompt exit: a half-taken backup is removed by the store anyway).
public struct PeriodicJob: Service {
    /// Job name, for logs.
    public let name: String
    /// Time between the starts of two runs.
    public let interval: Duration
    /// Time before the first run.
    public let initialDelay: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Void

    /// Creates the job.
    public init(name: String, interval: Duration, initialDelay: Duration, logger: Logger,
                work: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.initialDelay = initialDelay
        self.logger = logger
        self.work = work
    }

    /// Runs the schedule until graceful shutdown.
    public func run() async throws {
        var delay = initialDelay
        let interval = max(self.interval, .milliseconds(10))
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let wait = delay
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                return // cancelled or shutting down
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            let started = ContinuousClock.now
            do {
                try await work()
                logger.debug("housekeeping done", metadata: ["store.job": "\(name)", "store.duration": "\(ContinuousClock.now - started)"])
            } catch {
                logger.error("housekeeping failed", metadata: ["store.job": "\(name)", "error": "\(error)"])
            }
            let spent = ContinuousClock.now - started
            delay = spent >= interval ? .zero : interval - spent
        }
    }
}
