import Foundation
import Inference

/// Locations and decoders for the committed parity fixtures (written by `Tools/parity/make_goldens.py`).
enum Fixtures {
    /// `Tests/Fixtures/inference`.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/inference")

    /// A file or folder inside the fixture directory.
    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Decodes a JSON fixture.
    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(contentsOf: url(name)))
    }

    /// A tokenizer over the all-MiniLM-L6-v2 vocabulary and tokenizer settings (copied into the fixtures).
    static func miniLMTokenizer() throws -> WordPieceTokenizer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inference-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: url("minilm_vocab.txt"), to: directory.appendingPathComponent("vocab.txt"))
        try FileManager.default.copyItem(at: url("minilm_tokenizer_config.json"), to: directory.appendingPathComponent("tokenizer_config.json"))
        return try WordPieceTokenizer(directory: directory)
    }

    /// `tokenizer_golden.json`.
    struct TokenizerGolden: Decodable {
        struct Case: Decodable {
            var source: String
            var maxLength: Int
            var text: String
            var ids: [Int]
            var untruncatedPieces: Int
        }
        struct Batch: Decodable {
            var texts: [String]
            var inputIds: [[Int]]
            var attentionMask: [[Int]]
        }
        var cases: [Case]
        var batch: Batch
    }

    /// The shared `minilm_golden.json` (ids and embedding summaries for 20 headlines).
    struct MiniLMGolden: Decodable {
        struct Item: Decodable {
            var text: String
            var inputIds: [Int]
            var truncated: Bool
            var untruncatedNumTokens: Int
            var embeddingFirst8: [Float]
            var embeddingSum: Float
            var meanPooledL2NormBeforeNormalize: Float
        }
        var items: [Item]
    }

    /// `minilm_embeddings.json`: full pooled vectors from PyTorch.
    struct MiniLMEmbeddings: Decodable {
        struct Item: Decodable {
            var text: String
            var ids: [Int]
            var meanPooled: [Float]
            var normalized: [Float]
            var cls: [Float]
        }
        var items: [Item]
        var paddedBatchMeanPooled: [[Float]]
    }

    /// `tiny-*/logits.json`: reference logits of a small random classifier.
    struct TinyLogits: Decodable {
        struct Case: Decodable {
            var text: String
            var ids: [Int]
            var logits: [Float]
            var probabilities: [Float]
        }
        var dtype: String
        var labels: [String: String]
        var cases: [Case]
        var tolerance: Float
    }
}

/// Largest absolute element-wise difference of two equally long vectors (infinity if lengths differ).
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
