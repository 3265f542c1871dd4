import Contracts
import CryptoModels
import Foundation
import Metrics
import Synchronization

/// What store-svc's housekeeping last did, for `system.health` (shared by the scheduled services and the RPC methods).
public final class StoreStatus: Sendable {
    /// One housekeeping job's last outcome.
    public struct Job: Sendable, Hashable {
        /// When it last succeeded (epoch ms).
        public var lastSuccessAt: EpochMillis?
        /// When it last failed (epoch ms).
        public var lastFailureAt: EpochMillis?
        /// Why it last failed.
        public var lastError: String?
        /// Whether the last run failed.
        public var failing: Bool { lastFailureAt != nil && (lastSuccessAt ?? .min) < (lastFailureAt ?? .min) }
    }

    private let state = Mutex<[String: Job]>([:])
    /// Result of the integrity quick check at start (`["ok"]` when healthy).
    public let startupCheck: [String]

    /// Creates the status with the start-up integrity check's answer.
    public init(startupCheck: [String]) {
        self.startupCheck = startupCheck
    }

    /// Records a successful run of `job` at `at`.
    public func succeeded(_ job: String, at: EpochMillis) {
        state.withLock { $0[job, default: Job()].lastSuccessAt = at }
    }

    /// Records a failed run of `job` at `at`.
    public func failed(_ job: String, at: EpochMillis, error: String) {
        state.withLock {
            $0[job, default: Job()].lastFailureAt = at
            $0[job, default: Job()].lastError = error
        }
    }

    /// The outcome of `job`.
    public func job(_ name: String) -> Job { state.withLock { $0[name] ?? Job() } }
}

/// store-svc's metrics (swift-metrics, exported as Prometheus text by `system.metrics`).
enum StoreMetrics {
    /// Counts one write batch of `rows` rows through `method`.
    static func write(_ method: String, rows: Int) {
        Counter(label: "store_write_batches_total", dimensions: [("method", method)]).increment()
        Counter(label: "store_write_rows_total", dimensions: [("method", method)]).increment(by: max(0, rows))
    }

    /// Records the latency of a query through `method`.
    static func query(_ method: String, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let nanos = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        Timer(label: "store_query_duration_seconds", dimensions: [("method", method)]).recordNanoseconds(nanos)
    }

    /// Counts rows deleted by retention.
    static func retained(_ table: String, deleted: Int) {
        Counter(label: "store_retention_deleted_rows_total", dimensions: [("table", table)]).increment(by: max(0, deleted))
    }
}
