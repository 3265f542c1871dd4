import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import RPC
import ServiceLifecycle

/// RPC round-trip latency and throughput over one Unix-socket connection, next to a bare NIO echo of the same
/// bytes measured in the same run (`cryptodt-bench rpc`).
struct RPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rpc", abstract: "RPC round trip vs a bare NIO echo.")

    @Option(help: "Calls per measurement.") var calls = 40_000
    @Option(help: "Repetitions of each measurement; medians are reported.") var runs = 3

    func run() async throws {
        let directory = "/tmp/cdt-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var router = RPCRouter()
        router.register(BenchEcho.self) { params, _ in params }
        let logger = Logger(label: "bench")
        let server = RPCServer(configuration: .init(address: .unix(path: "\(directory)/rpc.sock"), serviceName: "bench"),
                               router: router, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [], logger: logger))
        let echo = try await EchoBaseline.start(path: "\(directory)/echo.sock")
        let params = BenchEcho.Params(symbol: "BTC", price: "97123.45", n: 1)
        let frame = try RPCFrames.request(id: 1, method: BenchEcho.name, params: params)

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let address = try await server.listeningAddress()
            let client = RPCClient(configuration: .init(address: address, connections: 1))
            _ = try await client.call(BenchEcho.self, params)
            let baseline = try await EchoBaseline.Client.connect(path: "\(directory)/echo.sock")

            var rows: [BenchRow] = []
            for inFlight in [1, 64] {
                var rpcRuns: [Measurement] = [], echoRuns: [Measurement] = []
                for _ in 0..<runs {
                    echoRuns.append(try await measure(calls: calls, inFlight: inFlight) { _ = try await baseline.roundTrip(frame) })
                    rpcRuns.append(try await measure(calls: calls, inFlight: inFlight) { _ = try await client.call(BenchEcho.self, params) })
                }
                rows.append(BenchRow(label: "bare NIO echo (baseline), \(inFlight) in flight", measurement: .median(echoRuns)))
                rows.append(BenchRow(label: "JSON-RPC call, \(inFlight) in flight", measurement: .median(rpcRuns)))
            }
            print("RPC round trip over one Unix-socket connection, \(calls) calls per run, median of \(runs) runs")
            print("frame: \(frame.readableBytes) bytes; command: cryptodt-bench rpc --calls \(calls) --runs \(runs)\n")
            BenchRow.printTable(rows)
            client.close()
            await baseline.close()
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
        try await echo.close()
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
func measure(calls: Int, inFlight: Int, _ operation: @escaping @Sendable () async throws -> Void) async throws -> Measurement {
    let perWorker = calls / inFlight
    let cpuStart = processCPUSeconds()
    let started = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for _ in 0..<inFlight {
            group.addTask {
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
