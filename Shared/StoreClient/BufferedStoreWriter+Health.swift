import Contracts
import Foundation
import RPC

extension BufferedStoreWriter {
    /// How long after a drop the check stays `degraded`.
    public static let dropMemory: Duration = .seconds(600)

    /// The `store-writer` component check: `degraded` while writes are failing (store-svc down) or within ten
    /// minutes of a drop; `observed` carries `queued`, `sent`, `dropped`, `rejected`, `capacity` and `last_error`.
    public func healthCheck() -> ComponentCheck {
        let (counts, failing, lastDrop) = state.withLock { state in
            var counts = state.counts
            counts.queued = state.queue.count + (state.inFlight ? 1 : 0)
            return (counts, state.failing, state.lastDropAt)
        }
        var observed: [String: JSON] = [
            "queued": .number(Double(counts.queued)), "enqueued": .number(Double(counts.enqueued)),
            "sent": .number(Double(counts.sent)), "dropped": .number(Double(counts.dropped)),
            "rejected": .number(Double(counts.rejected)), "capacity": .number(Double(configuration.capacity)),
        ]
        if let error = counts.lastError { observed["last_error"] = .string(error) }
        if let lastDrop, ContinuousClock.now - lastDrop < Self.dropMemory {
            return ComponentCheck(name: "store-writer", status: .degraded,
                                  detail: "\(counts.dropped) writes dropped because store-svc was unavailable and the buffer was full",
                                  observed: observed)
        }
        if failing, counts.queued > 0 {
            return ComponentCheck(name: "store-writer", status: .degraded,
                                  detail: "store-svc is not accepting writes; \(counts.queued) queued", observed: observed)
        }
        return ComponentCheck(name: "store-writer", status: .healthy, observed: observed)
    }
}
