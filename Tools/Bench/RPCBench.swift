import ArgumentParser

/// RPC round-trip latency and throughput over one connection, against a bare NIO echo baseline.
struct RPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rpc", abstract: "RPC round trip vs a bare NIO echo.")

    @Option(help: "Calls per measurement.") var calls = 50_000

    func run() async throws {
        throw ValidationError("not yet measured")
    }
}
