import Contracts
import Foundation
import Logging
import NewsSentiment
import RPC
import Testing
import TestSupport

/// The tiny fixture models written by Tools/parity/make_goldens.py (random weights, 3 labels).
enum TinyModels {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/inference")
    static var bert: String { directory.appendingPathComponent("tiny-bert").path }
    static var distilbert: String { directory.appendingPathComponent("tiny-distilbert").path }

    /// Runs `runner` for the duration of `body`, then cancels it.
    static func running<T: Sendable>(_ runner: SentimentModelRunner, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// Waits until the runner has left `loading`.
    static func settled(_ runner: SentimentModelRunner) async -> Bool {
        await Eventually.wait(timeout: .seconds(20)) {
            if case .loading = runner.currentState { return false }
            return true
        }
    }

    static func problemType(of error: any Error) -> (String, Int)? {
        guard let rpc = error as? RPCError, let problem = rpc.data else { return nil }
        return (problem.type, problem.status)
    }
}

@Suite("Sentiment model runner (tiny fixture models)", .timeLimit(.minutes(1)))
struct SentimentRunnerTests {
    let logger = Logger(label: "test")

    @Test("loads a BERT classification directory, reports it healthy and scores texts with its labels")
    func loadsAndScores() async throws {
        let runner = SentimentModelRunner(kind: .financial, directory: TinyModels.bert, threads: 1, logger: logger)
        #expect(runner.healthCheck().status == .degraded)  // loading: nothing runs before run()
        try await TinyModels.running(runner) {
            #expect(await TinyModels.settled(runner))
            let health = runner.healthCheck()
            #expect(health.status == .healthy)
            #expect(health.observed?["state"] == "loaded")
            let result = try await runner.analyze(["Profit rose sharply.", "Shares fell after the warning."])
            #expect(result.results.count == 2)
            #expect(result.model == .financial)
            #expect(result.modelID == "tiny-bert")
            #expect(result.modelVersion == "unversioned")
            for score in result.results {
                #expect(Set(score.probabilities.keys) == Set(["negative", "neutral", "positive"]))
                #expect(abs(score.probabilities.values.reduce(0, +) - 1) < 1e-5)
                #expect(score.probabilities[score.label] == score.score)
                #expect(score.score == score.probabilities.values.max())
                #expect(score.model == "tiny-bert")
            }
        }
    }

    @Test("micro-batching: concurrent calls share forward passes and get exactly their own results")
    func microBatching() async throws {
        let runner = SentimentModelRunner(kind: .financial, directory: TinyModels.bert, threads: 1,
                                          window: .milliseconds(60), logger: logger)
        try await TinyModels.running(runner) {
            #expect(await TinyModels.settled(runner))
            let texts = (0..<16).map { "headline number \($0) about earnings and \(String(repeating: "growth ", count: $0))" }
            // Reference: each text alone.
            var alone: [String: Double] = [:]
            for text in texts {
                alone[text] = try await runner.analyze([text]).results[0].probabilities["positive"]
            }
            let before = runner.statistics
            let together = try await withThrowingTaskGroup(of: (String, Double?).self) { group in
                for text in texts {
                    group.addTask { (text, try await runner.analyze([text]).results[0].probabilities["positive"]) }
                }
                var out: [String: Double] = [:]
                for try await (text, p) in group { out[text] = p ?? -1 }
                return out
            }
            let after = runner.statistics
            #expect(after.calls - before.calls == 16)
            #expect(after.batches - before.batches < 16, "16 concurrent calls ran in \(after.batches - before.batches) passes")
            for text in texts {
                let a = try #require(alone[text]), b = try #require(together[text])
                #expect(abs(a - b) < 1e-5, "\(text): alone \(a), batched \(b)")
            }
        }
    }

    @Test("a missing model directory: health says why, calls answer 503 model-unavailable, the service keeps running")
    func missingDirectory() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let runner = SentimentModelRunner(kind: .crypto, directory: temp.file("nope"), threads: 1, logger: logger)
        try await TinyModels.running(runner) {
            #expect(await TinyModels.settled(runner))
            let health = runner.healthCheck()
            #expect(health.name == "model:crypto")
            #expect(health.status == .degraded)
            #expect(health.observed?["state"] == "unavailable")
            #expect(health.detail?.contains("model file not found") == true)
            await #expect(throws: RPCError.self) { _ = try await runner.analyze(["Bitcoin to the moon"]) }
            do {
                _ = try await runner.analyze(["Bitcoin to the moon"])
            } catch {
                let problem = TinyModels.problemType(of: error)
                #expect(problem?.0 == "model-unavailable")
                #expect(problem?.1 == 503)
                #expect((error as? RPCError)?.data?.detail.contains("model file not found") == true)
            }
        }
    }

    @Test("a corrupt weights file: unavailable with the loader's reason, never a keyword fallback")
    func corruptWeights() async throws {
        let temp = try TemporaryDirectory()
        defer { temp.remove() }
        let model = temp.file("model")
        try FileManager.default.copyItem(atPath: TinyModels.bert, toPath: model)
        let weights = (model as NSString).appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: weights))
        let runner = SentimentModelRunner(kind: .financial, directory: model, threads: 1, logger: logger)
        try await TinyModels.running(runner) {
            #expect(await TinyModels.settled(runner))
            let health = runner.healthCheck()
            #expect(health.status == .degraded)
            let reason = health.observed?["reason"]
            #expect(reason != nil)
            #expect(health.detail?.contains("safetensors") == true, "\(health.detail ?? "")")
            do {
                _ = try await runner.analyze(["Profit up"])
                Issue.record("a corrupt model answered")
            } catch {
                #expect(TinyModels.problemType(of: error)?.0 == "model-unavailable")
            }
        }
    }

    @Test("the crypto model reads positive/negative labels as bullish/bearish (a DistilBERT directory works unchanged)")
    func cryptoLabels() async throws {
        let runner = SentimentModelRunner(kind: .crypto, directory: TinyModels.distilbert, threads: 1, logger: logger)
        try await TinyModels.running(runner) {
            #expect(await TinyModels.settled(runner))
            guard case .loaded(let engine) = runner.currentState else {
                Issue.record("tiny-distilbert did not load: \(runner.healthCheck().detail ?? "")")
                return
            }
            let raw = engine.engine.labels.map { $0.lowercased() }
            let expected = raw.map { $0 == "positive" ? "bullish" : $0 == "negative" ? "bearish" : $0 }
            #expect(engine.labels == expected)
            let result = try await runner.analyze(["ETH breaks out"])
            #expect(Set(result.results[0].probabilities.keys) == Set(expected))
        }
    }
}

@Suite("sentiment.analyze limits")
struct SentimentLimitTests {
    struct Echo: SentimentAnalyzing {
        func analyze(_ texts: [String]) async throws -> Sentiment.Analyze.Result {
            .init(results: texts.map { _ in .init(label: "neutral", score: 1, probabilities: ["neutral": 1], model: "m", modelVersion: "1") },
                  model: .financial, modelID: "m", modelVersion: "1")
        }
        func healthCheck() -> ComponentCheck { ComponentCheck(name: "model:financial", status: .healthy) }
    }

    let handler = SentimentHandler(models: [.financial: Echo()])

    func problem(_ texts: [String], model: Sentiment.Model? = nil) async -> (String, Int)? {
        do {
            _ = try await handler.analyze(.init(texts: texts, model: model))
            return nil
        } catch {
            return TinyModels.problemType(of: error)
        }
    }

    @Test("64 texts of 2,000 characters pass; 65 texts or 2,001 characters are 413; empty is 400")
    func limits() async throws {
        let long = String(repeating: "é", count: 2_000)
        #expect(await problem(Array(repeating: long, count: 64)) == nil)
        #expect(await problem(Array(repeating: "x", count: 65))?.1 == 413)
        #expect(await problem(Array(repeating: "x", count: 65))?.0 == "payload-too-large")
        #expect(await problem([long + "e"])?.0 == "payload-too-large")
        #expect(await problem([""])?.0 == "invalid-parameter")
        #expect(await problem(["ok", " \n\t"])?.1 == 400)
        #expect(await problem([])?.1 == 400)
    }

    @Test("a model that is not configured is 503 model-unavailable")
    func unknownModel() async {
        #expect(await problem(["ok"], model: .crypto)?.0 == "model-unavailable")
    }
}
