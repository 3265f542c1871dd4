import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import RPC
import ServiceLifecycle

/// RPC round-trip latency and throughput over one Unix-socket connection, next to a bare NIO echo of the same
/// bytes measured in the same run (`cryptodt-bench rpc`).
///
/// Client and server share this process but not a thread: each end has its own one-thread event loop group, as two
/// processes would. Callers run either on Swift's global concurrent pool (a plain task) or on the client's event
/// loop (a task preferring ``RPCClient/taskExecutor``); both are reported. The "handlers on pool" row serves calls with
/// handlers on the global pool (`handlersOnEventLoop: false`), as the server did before handlers moved to the loop.
struct RPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rpc", abstract: "RPC round trip vs a bare NIO echo.")

    @Option(help: "Calls per measurement.") var calls = 40_000
    @Option(help: "Repetitions of each measurement; medians are reported.") var runs = 3
    @Option(help: "Only the measurements whose label contains this text (for profiling).") var only: String?
    @Option(help: "Calls in flight to measure (comma-separated).") var inFlight = "1,64"

    func run() async throws {
        let directory = "/tmp/cdt-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let serverLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var router = RPCRouter()
        router.register(BenchEcho.self) { params, _ in params }
        let logger = Logger(label: "bench")
        let server = RPCServer(configuration: .init(address: .unix(path: "\(directory)/rpc.sock"), serviceName: "bench"),
                               router: router, logger: logger, eventLoopGroup: serverLoops)
        let before = RPCServer(configuration: .init(address: .unix(path: "\(directory)/before.sock"), serviceName: "bench-before",
                                                    handlersOnEventLoop: false),
                               router: router, logger: logger, eventLoopGroup: serverLoops)
        let group = ServiceGroup(configuration: .init(services: [.init(service: server), .init(service: before)],
                                                      gracefulShutdownSignals: [], logger: logger))
        let echo = try await EchoBaseline.start(path: "\(directory)/echo.sock", group: serverLoops)
        let params = BenchEcho.Params(symbol: "BTC", price: "97123.45", n: 1)
        let frame = try RPCFrames.request(id: 1, method: BenchEcho.name, params: params)

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let client = RPCClient(configuration: .init(address: try await server.listeningAddress(), connections: 1),
                                   eventLoopGroup: clientLoops)
            let beforeClient = RPCClient(configuration: .init(address: try await before.listeningAddress(), connections: 1),
                                         eventLoopGroup: clientLoops)
            _ = try await client.call(BenchEcho.self, params)
            _ = try await beforeClient.call(BenchEcho.self, params)
            let baseline = try await EchoBaseline.Client.connect(path: "\(directory)/echo.sock", group: clientLoops)
            let onLoop = client.taskExecutor
            let allVariants: [(String, (any TaskExecutor)?, @Sendable () async throws -> Void)] = [
                ("bare NIO echo (baseline), caller on global pool", nil, { _ = try await baseline.roundTrip(frame) }),
                ("bare NIO echo (baseline), caller on client loop", onLoop, { _ = try await baseline.roundTrip(frame) }),
                ("JSON-RPC, server handlers on pool (opt-out), caller on pool", nil, { _ = try await beforeClient.call(BenchEcho.self, params) }),
                ("JSON-RPC, caller on global pool", nil, { _ = try await client.call(BenchEcho.self, params) }),
                ("JSON-RPC, caller on client loop", onLoop, { _ = try await client.call(BenchEcho.self, params) }),
            ]
            let startLoad = loadAverage()
            let variants = only.map { text in allVariants.filter { $0.0.contains(text) } } ?? allVariants
            var rows: [BenchRow] = []
            for inFlight in self.inFlight.split(separator: ",").compactMap({ Int($0) }) {
                var results = Array(repeating: [Measurement](), count: variants.count)
                for _ in 0..<runs {
                    // Alternate the variants within each repetition, so load changes hit all of them alike.
                    for (index, variant) in variants.enumerated() {
                        results[index].append(try await measure(calls: calls, inFlight: inFlight, on: variant.1, variant.2))
                    }
                }
                for (index, variant) in variants.enumerated() {
                    rows.append(BenchRow(label: "\(variant.0), \(inFlight) in flight", measurement: .median(results[index])))
                }
            }
            print("RPC round trip over one Unix-socket connection, \(calls) calls per run, median of \(runs) runs")
            print("load average at start: \(startLoad); at end: \(loadAverage())")
            print("frame: \(frame.readableBytes) bytes; command: cryptodt-bench rpc --calls \(calls) --runs \(runs)")
            print("client and server each on its own one-thread event loop group\n")
            BenchRow.printTable(rows)
            // Ratios to the baseline of the same in-flight count (echo, caller on the global pool).
            print("")
            for row in rows where row.label.hasPrefix("JSON-RPC") {
                let suffix = row.label.components(separatedBy: ", ").last ?? ""
                guard let echo = rows.first(where: { $0.label.hasPrefix("bare NIO echo (baseline), caller on global pool") && $0.label.hasSuffix(suffix) })
                else { continue }
                let m = row.measurement, e = echo.measurement
                print("\(row.label): p50 \(String(format: "%.1f", m.quantile(0.5) / e.quantile(0.5)))× the echo's, "
                      + "rate \(Int((m.rate / e.rate * 100).rounded())) % of the echo's")
            }
            client.close()
            beforeClient.close()
            await baseline.close()
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
        try await echo.close()
        try await serverLoops.shutdownGracefully()
        try await clientLoops.shutdownGracefully()
    }
}

/// The echo method measured: a small market-like payload.
enum BenchEcho: RPCMethod {
    static let name = "bench.echo"
    struct Params: Codable, Sendable {
        var symbol: String
        var price: String
        var n: Int
    }
    typealias Result = Params
}

/// Runs `calls` operations with `inFlight` concurrent workers and records each call's latency.
/// Each worker is a child task preferring `executor` (nil: the global concurrent pool).
func measure(calls: Int, inFlight: Int, on executor: (any TaskExecutor)? = nil,
             _ operation: @escaping @Sendable () async throws -> Void) async throws -> Measurement {
    let perWorker = calls / inFlight
    let cpuStart = processCPUSeconds()
    let started = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for _ in 0..<inFlight {
            group.addTask(executorPreference: executor) {
                var samples: [Double] = []
                samples.reserveCapacity(perWorker)
                for _ in 0..<perWorker {
                    let start = ContinuousClock.now
                    try await operation()
                    samples.append(microseconds(ContinuousClock.now - start))
                }
                return samples
            }
        }
        var all: [Double] = []
        for try await samples in group { all += samples }
        return all
    }
    let elapsed = microseconds(ContinuousClock.now - started) / 1e6
    return Measurement(samples: latencies, seconds: elapsed, cpuSeconds: processCPUSeconds() - cpuStart)
}

func microseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
}

/// The 1-, 5- and 15-minute load averages.
func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
}
