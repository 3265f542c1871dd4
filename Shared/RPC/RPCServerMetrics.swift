import Metrics
import Synchronization

/// The RPC server's metrics: calls by method and outcome, call duration, open connections.
final class RPCServerMetrics: Sendable {
    private let service: String
    private let connections: Gauge
    private let openConnections = Atomic<Int>(0)
    private let cache = Mutex<[String: (ok: Counter, failed: Counter, duration: Timer)]>([:])

    init(service: String) {
        self.service = service
        self.connections = Gauge(label: "rpc_server_connections", dimensions: [("service", service)])
    }

    func connectionOpened() {
        connections.record(openConnections.add(1, ordering: .relaxed).newValue)
    }

    func connectionClosed() {
        connections.record(openConnections.subtract(1, ordering: .relaxed).newValue)
    }

    func completed(method: String, code: Int, duration: Duration) {
        let entry = cache.withLock { cache in
            if let entry = cache[method] { return entry }
            let dims = [("service", service), ("method", method)]
            let entry = (ok: Counter(label: "rpc_server_calls_total", dimensions: dims + [("outcome", "ok")]),
                         failed: Counter(label: "rpc_server_calls_total", dimensions: dims + [("outcome", "error")]),
                         duration: Timer(label: "rpc_server_call_duration_seconds", dimensions: dims))
            cache[method] = entry
            return entry
        }
        (code == 0 ? entry.ok : entry.failed).increment()
        entry.duration.record(duration: duration)
    }

    func rejected(code: Int) {
        Counter(label: "rpc_server_rejected_total", dimensions: [("service", service), ("code", String(code))]).increment()
    }
}
