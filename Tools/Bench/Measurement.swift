/// Latency samples (µs) and wall time of one benchmark run.
struct Measurement: Sendable {
    /// Sorted per-operation latencies in microseconds.
    let sorted: [Double]
    /// Wall-clock seconds for all operations.
    let seconds: Double

    init(samples: [Double], seconds: Double) {
        self.sorted = samples.sorted()
        self.seconds = seconds
    }

    /// Operations per second.
    var rate: Double { Double(sorted.count) / seconds }

    /// The `q` quantile (0…1) of the latencies.
    func quantile(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }

    /// The run with the median rate.
    static func median(_ runs: [Measurement]) -> Measurement {
        runs.sorted { $0.rate < $1.rate }[runs.count / 2]
    }
}

/// One printed row.
struct BenchRow {
    let label: String
    let measurement: Measurement

    static func printTable(_ rows: [BenchRow]) {
        print("| measurement | calls/s | p50 µs | p99 µs |")
        print("|---|---:|---:|---:|")
        for row in rows {
            let m = row.measurement
            print("| \(row.label) | \(Int(m.rate.rounded())) | \(format(m.quantile(0.5))) | \(format(m.quantile(0.99))) |")
        }
    }

    static func format(_ value: Double) -> String {
        String(Int(value.rounded()))
    }
}
