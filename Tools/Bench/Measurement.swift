import Foundation

/// Latency samples (µs) and wall time of one benchmark run.
struct Measurement: Sendable {
    /// Sorted per-operation latencies in microseconds.
    let sorted: [Double]
    /// Wall-clock seconds for all operations.
    let seconds: Double
    /// Process CPU seconds (user + system) spent during the run.
    let cpuSeconds: Double

    init(samples: [Double], seconds: Double, cpuSeconds: Double = .nan) {
        self.sorted = samples.sorted()
        self.seconds = seconds
        self.cpuSeconds = cpuSeconds
    }

    /// CPU microseconds per operation (both ends, when client and server share the process).
    var cpuPerOperation: Double { cpuSeconds * 1e6 / Double(sorted.count) }

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
        print("| measurement | calls/s | p50 µs | p99 µs | CPU µs/call |")
        print("|---|---:|---:|---:|---:|")
        for row in rows {
            let m = row.measurement
            print("| \(row.label) | \(Int(m.rate.rounded())) | \(format(m.quantile(0.5))) | \(format(m.quantile(0.99))) | \(String(format: "%.1f", m.cpuPerOperation)) |")
        }
    }

    static func format(_ value: Double) -> String {
        String(Int(value.rounded()))
    }
}

/// Process CPU time (user + system) in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
