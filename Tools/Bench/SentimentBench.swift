import ArgumentParser
import Contracts
import Foundation
import Inference
import RPC

/// `cryptodt-bench sentiment`: the native engine against PyTorch on the same model and the same headlines, in the
/// same run (single-headline p50 latency, batch-64 throughput at 1 and 2 threads; by default two rounds alternating
/// engine and PyTorch, best round per figure for each), plus the resident memory of news-sentiment-svc with both
/// models loaded.
struct SentimentBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment", abstract: "Native sentiment engine vs PyTorch (same texts, same run); service RSS.")

    @Option(help: "Financial model directory (assembled; default: $DATA_DIR/models/sentiment).")
    var model: String?
    @Option(help: "Crypto model directory (default: $DATA_DIR/models/crypto-sentiment).")
    var cryptoModel: String?
    @Option(help: "Single-headline iterations per thread count.") var iterations = 200
    @Option(parsing: .upToNextOption, help: "Thread counts.") var threads: [Int] = [1, 2]
    @Option(help: "Python interpreter for the PyTorch baseline.") var python = "python3"
    @Flag(help: "Skip the PyTorch baseline.") var noTorch = false
    @Option(help: "Rounds, alternating the engine's and PyTorch's measurements; each figure is the best round's, and each ratio is also given as the median of the rounds' own ratios.")
    var rounds = 4
    @Option(help: "CPU that both sides' 1-thread measurements are pinned to (-1: not pinned). On a shared VM the two vCPUs can differ by 1.5× for minutes; pinning gives engine and PyTorch the same one.")
    var cpu = 0

    struct Figures: Codable {
        var threads: Int
        var single_p50_ms: Double
        var single_p90_ms: Double
        var fixed_23_token_p50_ms: Double
        var batch64_p50_ms: Double
        var batch64_texts_per_s: Double
    }

    struct TorchReport: Codable {
        var torch: String
        var load_average: [Double]
        var results: [Figures]
    }

    static let golden = "Bitcoin surges past $70,000 as spot ETF inflows hit a record high"

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let modelsDir = ((env["DATA_DIR"] ?? "./data") as NSString).appendingPathComponent("models")
        let financial = model ?? env["SENTIMENT_MODEL_DIR"] ?? (modelsDir as NSString).appendingPathComponent("sentiment")
        let crypto = cryptoModel ?? env["CRYPTO_SENTIMENT_MODEL_DIR"] ?? (modelsDir as NSString).appendingPathComponent("crypto-sentiment")
        let texts = try Self.headlines(count: 640)
        let textsFile = FileManager.default.temporaryDirectory.appendingPathComponent("sentiment-bench-\(getpid()).json")
        try JSONEncoder().encode(texts).write(to: textsFile)
        defer { try? FileManager.default.removeItem(at: textsFile) }

        // The service's settings (SentimentEngine): 512 tokens per forward pass.
        let engine = try TransformerEngine(directory: URL(fileURLWithPath: financial), options: .init(tokensPerChunk: 512))
        // Engine and PyTorch alternate (engine, PyTorch, engine, PyTorch, …) so a burst of load from other processes
        // on a shared machine does not land on one side only; each side keeps its best round per figure.
        var swiftRounds: [[Figures]] = []
        var torchRounds: [TorchReport] = []
        for round in 1...max(1, rounds) {
            var figures: [Figures] = []
            for count in threads {
                try TransformerEngine.setThreadCount(count)
                figures.append(try CPUAffinity.pinned(to: count == 1 ? cpu : -1) {
                    try measure(engine, texts: texts, threads: count)
                })
            }
            swiftRounds.append(figures)
            if !noTorch { torchRounds.append(try runTorch(model: financial, textsFile: textsFile.path)) }
            print("round \(round): engine single p50 \(figures.map { String(format: "%.2f", $0.single_p50_ms) }) ms; "
                  + "PyTorch \(torchRounds.last.map { $0.results.map { String(format: "%.2f", $0.single_p50_ms) } } ?? []) ms "
                  + "(threads \(threads)); load average \(Self.loadAverage())")
        }
        let swift = threads.map { count in Self.best(swiftRounds.compactMap { $0.first { $0.threads == count } }) }
        var torch = torchRounds.last
        torch?.results = threads.compactMap { count in
            let results = torchRounds.compactMap { $0.results.first { $0.threads == count } }
            return results.isEmpty ? nil : Self.best(results)
        }
        print("engine: OpenBLAS \(try TransformerEngine.blasCoreName()), model \(financial); best of \(swiftRounds.count) alternating rounds"
              + (cpu >= 0 ? "; 1-thread figures of both pinned to CPU \(cpu)" : ""))
        print("")
        print("| threads | figure | native engine | PyTorch \(torch?.torch ?? "-") | ratio of bests | median of round ratios (range) |")
        print("|---|---|---|---|---|---|")
        for figures in swift {
            let base = torch?.results.first { $0.threads == figures.threads }
            let pairs = zip(swiftRounds, torchRounds).compactMap { engineRound, torchRound -> (Figures, Figures)? in
                guard let mine = engineRound.first(where: { $0.threads == figures.threads }),
                      let theirs = torchRound.results.first(where: { $0.threads == figures.threads }) else { return nil }
                return (mine, theirs)
            }
            func row(_ name: String, _ value: KeyPath<Figures, Double>, unit: String) {
                let mine = figures[keyPath: value], theirs = base?[keyPath: value]
                let ratio = theirs.map { String(format: "%.2f×", mine / $0) } ?? "-"
                let ratios = pairs.map { $0.0[keyPath: value] / $0.1[keyPath: value] }.sorted()
                let spread = ratios.isEmpty ? "-" : String(format: "%.2f× (%.2f–%.2f)", Self.median(ratios), ratios.first!, ratios.last!)
                print("| \(figures.threads) | \(name) | \(String(format: "%.2f", mine)) \(unit) | \(theirs.map { String(format: "%.2f", $0) } ?? "-") \(unit) | \(ratio) | \(spread) |")
            }
            row("single headline p50", \.single_p50_ms, unit: "ms")
            row("single headline p90", \.single_p90_ms, unit: "ms")
            row("23-token headline p50", \.fixed_23_token_p50_ms, unit: "ms")
            row("batch of 64 p50", \.batch64_p50_ms, unit: "ms")
            row("batch-64 throughput", \.batch64_texts_per_s, unit: "texts/s")
        }
        if !torchRounds.isEmpty { print("\nload average during the PyTorch runs: \(torchRounds.map(\.load_average))") }
        let rss = try await serviceRSS(financial: financial, crypto: crypto)
        print(String(format: "\nnews-sentiment-svc RSS with both models loaded (after 64 analyses each): %.1f MB", Double(rss) / 1_048_576))
    }

    /// The best of several rounds' figures: the lowest latency and batch time, the highest throughput.
    static func best(_ rounds: [Figures]) -> Figures {
        var best = rounds[0]
        for figures in rounds.dropFirst() {
            best.single_p50_ms = min(best.single_p50_ms, figures.single_p50_ms)
            best.single_p90_ms = min(best.single_p90_ms, figures.single_p90_ms)
            best.fixed_23_token_p50_ms = min(best.fixed_23_token_p50_ms, figures.fixed_23_token_p50_ms)
            best.batch64_p50_ms = min(best.batch64_p50_ms, figures.batch64_p50_ms)
            best.batch64_texts_per_s = max(best.batch64_texts_per_s, figures.batch64_texts_per_s)
        }
        return best
    }

    /// `/proc/loadavg`'s three averages, or empty where there is none.
    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// Single-headline and batch-64 figures of the native engine (tokenise + forward + head + softmax).
    func measure(_ engine: TransformerEngine, texts: [String], threads: Int) throws -> Figures {
        for text in texts.prefix(20) { _ = try engine.classify([text]) }
        var single: [Double] = []
        for index in 0..<iterations {
            let start = ContinuousClock.now
            _ = try engine.classify([texts[index % texts.count]])
            single.append(Self.ms(ContinuousClock.now - start))
        }
        var fixed: [Double] = []
        for _ in 0..<iterations {
            let start = ContinuousClock.now
            _ = try engine.classify([Self.golden])
            fixed.append(Self.ms(ContinuousClock.now - start))
        }
        let batches = stride(from: 0, to: texts.count - 63, by: 64).map { Array(texts[$0..<$0 + 64]) }
        _ = try engine.classify(batches[0])
        var batchTimes: [Double] = []
        for round in 0..<max(5, iterations / 40) {
            let start = ContinuousClock.now
            _ = try engine.classify(batches[round % batches.count])
            batchTimes.append(Self.ms(ContinuousClock.now - start))
        }
        let batchP50 = Self.percentile(batchTimes, 0.5)
        return Figures(threads: threads, single_p50_ms: Self.percentile(single, 0.5), single_p90_ms: Self.percentile(single, 0.9),
                       fixed_23_token_p50_ms: Self.percentile(fixed, 0.5), batch64_p50_ms: batchP50,
                       batch64_texts_per_s: 64 / (batchP50 / 1000))
    }

    /// Runs Tools/parity/bench_torch.py on the same model and texts.
    func runTorch(model: String, textsFile: String) throws -> TorchReport {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "Tools/parity/bench_torch.py", "--classify", model, "--texts-file", textsFile,
                             "--iterations", String(iterations), "--cpu", String(cpu), "--threads"] + threads.map(String.init)
        var environment = ProcessInfo.processInfo.environment
        environment["HF_HUB_OFFLINE"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("bench_torch.py failed (\(process.terminationStatus))") }
        return try JSONDecoder().decode(TorchReport.self, from: data)
    }

    /// Starts news-sentiment-svc with both models, waits until they are loaded, runs 64 analyses on each, reads RSS.
    func serviceRSS(financial: String, crypto: String) async throws -> Int {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentiment-bench-svc-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("news-sentiment-svc")
        let process = Process()
        process.executableURL = executable
        var environment = ProcessInfo.processInfo.environment
        environment["DATA_DIR"] = directory.path
        environment["SOCKET_DIR"] = directory.path
        environment["SENTIMENT_MODEL_DIR"] = financial
        environment["CRYPTO_SENTIMENT_MODEL_DIR"] = crypto
        environment["LOG_LEVEL"] = "warning"
        process.environment = environment
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let client = RPCClient(address: .unix(path: directory.appendingPathComponent(ServiceName.newsSentiment.socketFile).path))
        defer { client.close() }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let report = try? await client.call(System.Health.self, NoParams()),
               report.checks.filter({ $0.name.hasPrefix("model:") }).allSatisfy({ $0.observed?["state"] == "loaded" }) {
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let texts = try Self.headlines(count: 64)
        for model in Sentiment.Model.allCases {
            for text in texts { _ = try await client.call(Sentiment.Analyze.self, .init(texts: [text], model: model)) }
            _ = try await client.call(Sentiment.Analyze.self, .init(texts: texts, model: model))
        }
        let report = try await client.call(System.Health.self, NoParams())
        guard case .number(let rss)? = report.checks.first(where: { $0.name == "process" })?.observed?["rss_bytes"] else {
            throw ValidationError("news-sentiment-svc reported no rss_bytes")
        }
        return Int(rss)
    }

    static func headlines(count: Int) throws -> [String] {
        let candidates = ["../shared/datasets", "/work/shared/datasets"]
        guard let root = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw ValidationError("datasets not found")
        }
        let csv = try String(contentsOfFile: root + "/twitter_financial_news_sentiment/tfns_dev.csv", encoding: .utf8)
        return Array(CSVRows.texts(csv).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.prefix(count))
    }

    static func ms(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// The median (the mean of the middle two for an even count).
    static func median(_ sorted: [Double]) -> Double {
        sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func percentile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))]
    }
}

/// The first column of a CSV file with a header row (RFC 4180 quoting).
enum CSVRows {
    static func texts(_ csv: String) -> [String] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var iterator = csv.makeIterator()
        while let c = iterator.next() {
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            if next == "," { row.append(field); field = "" } else if next == "\n" || next == "\r\n" {
                                row.append(field); rows.append(row); row = []; field = ""
                            } else { field.append(next) }
                        }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { row.append(field); field = "" } else if c == "\n" || c == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else { field.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows.dropFirst().compactMap(\.first)
    }
}
