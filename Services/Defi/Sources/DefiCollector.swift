import Contracts
import CryptoModels
import Foundation
import Logging
import ProviderKit
import RPC
import ServiceKit
import ServiceLifecycle
import Synchronization

/// The hourly collector: on every tick of a ``TimerSequence`` it refreshes `/protocols` (bypassing the cache, so
/// the cache never goes cold), records a snapshot of the largest protocols to store-svc and publishes
/// `defi.update`. Stops at graceful shutdown.
struct DefiCollector: Service {
    /// What the collector observed, for health.
    struct Status: Sendable {
        /// Refreshes tried.
        var runs = 0
        /// Snapshots recorded.
        var snapshots = 0
        /// When the last snapshot was taken (epoch ms).
        var lastSnapshotAt: EpochMillis?
        /// Protocols in the last snapshot.
        var lastSnapshotCount = 0
        /// Why the last refresh failed, if it did.
        var lastError: String?
    }

    let engine: DefiEngine
    let hub: NotificationHub
    let sink: any DefiSnapshotSink
    let logger: Logger
    let status: StatusBox

    /// The collector's ``Status`` behind a mutex, shared with the health check.
    final class StatusBox: Sendable {
        private let state = Mutex(Status())
        /// Creates an empty status.
        init() {}
        /// Runs `body` on the status under the lock.
        func withLock<T: Sendable>(_ body: (inout Status) -> T) -> T { state.withLock { body(&$0) } }
    }

    /// Creates the collector; `status` is shared with the health check.
    init(engine: DefiEngine, hub: NotificationHub, sink: any DefiSnapshotSink, logger: Logger, status: StatusBox) {
        self.engine = engine
        self.hub = hub
        self.sink = sink
        self.logger = logger
        self.status = status
    }

    /// Refreshes on every tick until graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in TimerSequence(every: engine.settings.snapshotEvery) {
                await refresh()
            }
        }
    }

    /// One refresh: fetch, record, publish. A failure is logged and kept for health; data not freshly fetched is not recorded.
    func refresh() async {
        status.withLock { $0.runs += 1 }
        do throws(RPCError) {
            let (protocols, meta, _) = try await engine.allProtocols(force: true)
            guard !meta.stale, !meta.cached else {
                status.withLock { $0.lastError = "DefiLlama refresh failed; answers use data \(Int(meta.ageS)) s old" }
                logger.notice("defi refresh failed; no snapshot", metadata: ["provider": "\(meta.source)"])
                return
            }
            let ranked = protocols.sorted { $0.tvl != $1.tvl ? $0.tvl > $1.tvl : $0.slug < $1.slug }
            let limit = engine.settings.snapshotLimit
            let kept = limit == 0 ? ranked : Array(ranked.prefix(limit))
            await sink.record(protocols: kept, ts: meta.fetchedAt)
            let total = protocols.reduce(Amount(0)) { $0 + $1.tvl }
            hub.publish(LiveTopics.DefiUpdateTopic.self, .init(protocols: Array(ranked.prefix(20)), totalTvl: total, meta: meta))
            status.withLock { s in
                s.snapshots += 1
                s.lastSnapshotAt = meta.fetchedAt
                s.lastSnapshotCount = kept.count
                s.lastError = nil
            }
            logger.info("defi snapshot", metadata: ["provider": "\(meta.source)", "protocols": "\(kept.count)",
                                                    "total_tvl": "\(total)"])
        } catch {
            status.withLock { $0.lastError = error.message }
            logger.notice("defi refresh failed", metadata: ["provider": "defillama", "error": "\(error.message)"])
        }
    }

    /// The collector's health. A failing refresh is reported in `detail` with `failingStatus`: `healthy` by default
    /// (the service still answers, stale or with a 503 naming DefiLlama, and an offline deployment must not look
    /// broken), `degraded` when `PROVIDER_HEALTH_STRICT=true`.
    static func healthCheck(_ status: StatusBox, every: Duration, failingStatus: HealthStatus = .healthy) -> ComponentCheck {
        let s = status.withLock { $0 }
        var observed: [String: JSON] = ["runs": .number(Double(s.runs)), "snapshots": .number(Double(s.snapshots)),
                                        "interval_s": .number(every.secondsValue)]
        if let at = s.lastSnapshotAt {
            observed["last_snapshot_ms"] = .number(Double(at))
            observed["last_snapshot_protocols"] = .number(Double(s.lastSnapshotCount))
        }
        let status: HealthStatus = s.lastError == nil ? .healthy : failingStatus
        return ComponentCheck(name: "collector", status: status, detail: s.lastError.map { "last refresh failed: \($0)" },
                              observed: observed)
    }
}

