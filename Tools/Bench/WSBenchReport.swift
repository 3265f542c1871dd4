import Foundation

/// The figures of `cryptodt-bench ws`, printed as Markdown.
struct WSBenchReport {
    let clients: Int
    let rate: Int
    let duration: Int
    /// Gateway RSS (KiB) with one client, and after all clients connected and subscribed.
    var rssBefore = 0, rssAfter = 0
    /// (seconds into the run, RSS KiB) every 5 s.
    var samples: [(Double, Int)] = []
    /// Sorted latencies (ms): one client alone, all clients, raw RPC subscription during the fan-out run.
    var single: [Double] = [], fanout: [Double] = [], raw: [Double] = []
    /// Deliveries expected in the fan-out run.
    var expected = 0
    /// Gateway CPU (cores busy) during the fan-out run.
    var gatewayCPU = 0.0

    static func quantile(_ sorted: [Double], _ q: Double) -> String {
        guard !sorted.isEmpty else { return "–" }
        return String(format: "%.2f", sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))])
    }

    func row(_ label: String, _ sorted: [Double]) -> String {
        "| \(label) | \(sorted.count) | \(Self.quantile(sorted, 0.5)) | \(Self.quantile(sorted, 0.99)) | \(Self.quantile(sorted, 1)) |"
    }

    func print(command: String) {
        Swift.print("WebSocket fan-out through the gateway: \(clients) clients subscribed to `news`, \(rate) notifications/s for \(duration) s")
        Swift.print("command: \(command)\n")
        Swift.print("| latency from publish to receipt | messages | p50 ms | p99 ms | max ms |")
        Swift.print("|---|---:|---:|---:|---:|")
        Swift.print(row("raw RPC subscription, no gateway (baseline, during the fan-out run)", raw))
        Swift.print(row("gateway → 1 WebSocket client (baseline)", single))
        Swift.print(row("gateway → \(clients) WebSocket clients", fanout))
        let delivered = expected > 0 ? Double(fanout.count) / Double(expected) * 100 : 0
        Swift.print("\ndelivered \(fanout.count) of \(expected) expected fan-out messages (\(String(format: "%.2f", delivered)) %; the first client also counts its baseline-phase tail)")
        Swift.print("gateway CPU during the fan-out run: \(String(format: "%.2f", gatewayCPU)) cores (of 2, shared with the clients)")
        let perConnection = clients > 1 ? Double(rssAfter - rssBefore) / Double(clients - 1) : 0
        Swift.print("gateway RSS: \(rssBefore / 1024) MiB with 1 client, \(rssAfter / 1024) MiB with \(clients): \(String(format: "%.1f", perConnection)) KiB per connection")
        if samples.count >= 4 {
            let quarter = max(1, samples.count / 4)
            let early = samples.prefix(quarter).map(\.1).reduce(0, +) / quarter
            let late = samples.suffix(quarter).map(\.1).reduce(0, +) / quarter
            let peak = samples.map(\.1).max() ?? 0
            Swift.print("RSS over the run: first quarter mean \(early / 1024) MiB, last quarter mean \(late / 1024) MiB, peak \(peak / 1024) MiB (change \(String(format: "%+.1f", Double(late - early) / Double(max(early, 1)) * 100)) %)")
            Swift.print("RSS samples (s: MiB): " + samples.map { "\(Int($0.0)): \($0.1 / 1024)" }.joined(separator: ", "))
        }
    }
}
