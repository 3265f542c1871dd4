import Foundation
import Inference
import TestSupport
import Testing

/// Logits of small random BERT / DistilBERT classifiers (F32, F16, BF16 weights) must match PyTorch.
@Suite("Sequence-classifier parity with PyTorch")
struct TinyModelParityTests {
    static let models = ["tiny-bert", "tiny-bert-f16", "tiny-distilbert", "tiny-distilbert-bf16"]

    @Test("logits and probabilities match PyTorch within the tool's tolerance", arguments: models)
    func logitsMatch(model: String) async throws {
        try await HeavyWork.run {
            let engine = try TransformerEngine(directory: Fixtures.url(model), options: .init(threadCount: 1))
            let reference = try Fixtures.decode(Fixtures.TinyLogits.self, "\(model)/logits.json")
            #expect(reference.cases.count >= 18)
            #expect(engine.labels == ["negative", "neutral", "positive"])
            let encodings = engine.encode(reference.cases.map(\.text))
            #expect(encodings.map(\.ids) == reference.cases.map(\.ids), "tokenizer ids differ for \(model)")

            let results = try engine.classify(reference.cases.map(\.text))
            var worst: Float = 0
            var worstProbability: Float = 0
            for (result, expected) in zip(results, reference.cases) {
                worst = max(worst, maxAbsDiff(result.logits, expected.logits))
                worstProbability = max(worstProbability, maxAbsDiff(result.probabilities, expected.probabilities))
                let best = expected.logits.indices.max { expected.logits[$0] < expected.logits[$1] }!
                #expect(result.labelIndex == best)
                #expect(abs(result.probabilities.reduce(0, +) - 1) < 1e-5)
            }
            print("parity \(model) (\(reference.dtype)): max |Δlogit| = \(worst), max |Δprob| = \(worstProbability)")
            #expect(worst <= reference.tolerance, "\(model): max abs logit diff \(worst)")
            #expect(worstProbability <= reference.tolerance)
        }
    }

    @Test("a packed batch gives the same logits as running each text alone")
    func batchEqualsSingles() throws {
        let engine = try TransformerEngine(directory: Fixtures.url("tiny-bert"), options: .init(tokensPerChunk: 64))
        let reference = try Fixtures.decode(Fixtures.TinyLogits.self, "tiny-bert/logits.json")
        let ids = reference.cases.map(\.ids)
        let batched = try engine.logits(tokenIDs: ids)  // several chunks of <= 64 tokens, mixed lengths
        for (index, sequence) in ids.enumerated() {
            let alone = try engine.logits(tokenIDs: [sequence])[0]
            #expect(maxAbsDiff(alone, batched[index]) < 1e-5)
        }
    }

    @Test("concurrent calls on one engine agree with sequential results")
    func concurrentCalls() async throws {
        let engine = try TransformerEngine(directory: Fixtures.url("tiny-distilbert"))
        let texts = try Fixtures.decode(Fixtures.TinyLogits.self, "tiny-distilbert/logits.json").cases.map(\.text)
        let sequential = try engine.classify(texts).map(\.logits)
        let concurrent = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, try engine.classify([text])[0].logits) }
            }
            var results = [[Float]](repeating: [], count: texts.count)
            for try await (index, logits) in group { results[index] = logits }
            return results
        }
        for (a, b) in zip(sequential, concurrent) { #expect(maxAbsDiff(a, b) < 1e-5) }
    }

    @Test("16-bit checkpoints decode to the same model as their float32 source, within storage rounding")
    func halfPrecisionCloseToFloat() throws {
        let full = try TransformerEngine(directory: Fixtures.url("tiny-bert"))
        let half = try TransformerEngine(directory: Fixtures.url("tiny-bert-f16"))
        let texts = ["Bitcoin 🚀 to $100K?!", "Société Générale ÉTF"]
        let a = try full.classify(texts), b = try half.classify(texts)
        for (x, y) in zip(a, b) {
            let diff = maxAbsDiff(x.logits, y.logits)
            #expect(diff > 0 && diff < 0.01, "f16 weights differ from f32 by \(diff)")
        }
    }

    @Test("an embedding-only call works on a classifier too, and CLS pooling returns the [CLS] row")
    func poolingOnClassifier() throws {
        let engine = try TransformerEngine(directory: Fixtures.url("tiny-bert"))
        let ids = engine.encode(["ETH/USD slips 3.2%"])[0].ids
        let states = try engine.hiddenStates(tokenIDs: ids)
        #expect(states.count == ids.count && states[0].count == 64)
        let cls = try engine.embeddings(tokenIDs: [ids], pooling: .cls, normalize: false)[0]
        #expect(maxAbsDiff(cls, states[0]) == 0)
        let mean = try engine.embeddings(tokenIDs: [ids], pooling: .mean, normalize: false)[0]
        let manual = (0..<64).map { i in states.reduce(0) { $0 + $1[i] } / Float(states.count) }
        #expect(maxAbsDiff(mean, manual) < 1e-5)
        let unit = try engine.embeddings(tokenIDs: [ids])[0]
        #expect(abs(unit.reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) < 1e-5)
    }
}
