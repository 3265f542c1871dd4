import Foundation
import Inference
import TestSupport
import Testing

/// all-MiniLM-L6-v2 sentence embeddings must match PyTorch. The model is not committed: `make test` exports
/// `MINILM_MODEL_DIR` from `scripts/install-models.sh --print-minilm-dir`.
@Suite("all-MiniLM-L6-v2 parity with PyTorch")
struct MiniLMParityTests {
    /// Thrown (so the test fails, never skips) when the model location is not given.
    struct ModelDirectoryNotSet: Error, CustomStringConvertible {
        var description: String {
            "MINILM_MODEL_DIR is not set: run `make test` (it exports MINILM_MODEL_DIR=$(scripts/install-models.sh --print-minilm-dir))"
        }
    }

    static func engine() throws -> TransformerEngine {
        guard let path = ProcessInfo.processInfo.environment["MINILM_MODEL_DIR"], !path.isEmpty else {
            throw ModelDirectoryNotSet()
        }
        return try TransformerEngine(directory: URL(fileURLWithPath: path), options: .init(threadCount: 1))
    }

    @Test("mean-pooled embeddings match PyTorch within 1e-4 (packed batch, each text at its own length)")
    func meanPooledEmbeddings() async throws {
        try await HeavyWork.run {
            let engine = try Self.engine()
            #expect(engine.configuration.hiddenSize == 384 && engine.configuration.layerCount == 6)
            let reference = try Fixtures.decode(Fixtures.MiniLMEmbeddings.self, "minilm_embeddings.json")
            #expect(reference.items.count >= 24)
            #expect(engine.encode(reference.items.map(\.text)).map(\.ids) == reference.items.map(\.ids))
            let raw = try engine.embeddings(for: reference.items.map(\.text), normalize: false)
            let normalized = try engine.embeddings(for: reference.items.map(\.text))
            let cls = try engine.embeddings(for: reference.items.map(\.text), pooling: .cls, normalize: false)
            var worstRaw: Float = 0, worstNormalized: Float = 0, worstCLS: Float = 0
            for (index, item) in reference.items.enumerated() {
                worstRaw = max(worstRaw, maxAbsDiff(raw[index], item.meanPooled))
                worstNormalized = max(worstNormalized, maxAbsDiff(normalized[index], item.normalized))
                worstCLS = max(worstCLS, maxAbsDiff(cls[index], item.cls))
            }
            print("parity all-MiniLM-L6-v2: max |Δ| mean-pooled \(worstRaw), normalized \(worstNormalized), CLS \(worstCLS)")
            #expect(worstRaw <= 1e-4)
            #expect(worstNormalized <= 1e-4)
            #expect(worstCLS <= 1e-4)
            // sentence-transformers pools a padded batch with the attention mask; unpadded runs must equal it.
            for (index, row) in reference.paddedBatchMeanPooled.enumerated() {
                #expect(maxAbsDiff(raw[index], row) <= 1e-4)
            }
        }
    }

    @Test("the shared golden headlines: first 8 values, sums and norms")
    func sharedGolden() async throws {
        try await HeavyWork.run {
            let engine = try Self.engine()
            let golden = try Fixtures.decode(Fixtures.MiniLMGolden.self, "minilm_golden.json")
            let texts = golden.items.map(\.text)
            let raw = try engine.embeddings(for: texts, normalize: false)
            let normalized = try engine.embeddings(for: texts)
            var worst: Float = 0
            for (index, item) in golden.items.enumerated() {
                worst = max(worst, maxAbsDiff(Array(normalized[index].prefix(8)), item.embeddingFirst8))
                #expect(abs(normalized[index].reduce(0, +) - item.embeddingSum) < 1e-4)
                let norm = raw[index].reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(norm - item.meanPooledL2NormBeforeNormalize) < 1e-4)
            }
            print("parity all-MiniLM-L6-v2 shared golden: max |Δ| first8 \(worst)")
            #expect(worst <= 1e-5)
        }
    }
}
