import ArgumentParser

/// `cryptodt-bench`: the benchmarks behind `make bench`. Each subcommand measures a figure next to a baseline
/// measured in the same run and prints a Markdown table row set for docs/BENCHMARKS.md.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cryptodt-bench",
        abstract: "Crypto-DT-Source benchmarks with in-run baselines.",
        subcommands: [RPCBench.self, StoreBench.self, SentimentBench.self, WSBench.self])
}
