import Contracts
import CryptoModels
import Foundation
import Inference

/// A loaded sentiment model: the native transformer engine plus the model's identity and normalised labels.
///
/// Any Hugging Face BERT or DistilBERT sequence-classification directory works (the product's models, FinBERT,
/// an SST-2 DistilBERT …). Labels are lower-cased; for the crypto model `positive`/`negative` read as
/// `bullish`/`bearish`, so a general financial model can stand in for it unchanged.
public struct SentimentEngine: Sendable {
    /// Which model this is.
    public let kind: Sentiment.Model
    /// The model's identifier (`cryptodt.model_id` in `config.json`, else `_name_or_path`, else the directory name).
    public let modelID: String
    /// The model's version (`cryptodt.version` in `config.json`, else `unversioned`).
    public let version: String
    /// Output labels in logit order, normalised.
    public let labels: [String]
    /// The directory it was loaded from.
    public let directory: String
    /// The engine.
    public let engine: TransformerEngine

    /// Loads and checks a model directory.
    /// - Parameter tokensPerChunk: tokens per forward pass; it bounds the activation memory each model keeps
    ///   (≈ 16 KB per token for MiniLM), so 512 keeps it near 8 MB at little cost in throughput.
    /// - Throws: ``InferenceError`` (missing or corrupt files, no classification head).
    public init(kind: Sentiment.Model, directory: String, threads: Int?, tokensPerChunk: Int = 512) throws {
        let url = URL(fileURLWithPath: directory)
        let engine = try TransformerEngine(directory: url, options: .init(threadCount: threads, tokensPerChunk: tokensPerChunk))
        guard engine.hasClassificationHead else { throw InferenceError.noClassificationHead }
        let identity = Self.identity(configAt: url.appendingPathComponent("config.json"))
        self.kind = kind
        self.directory = directory
        self.engine = engine
        self.modelID = identity.id ?? url.standardizedFileURL.lastPathComponent
        self.version = identity.version ?? "unversioned"
        self.labels = engine.labels.map { Self.normalise($0, for: kind) }
    }

    /// Classifies `texts` (blocking, CPU-bound: call it off the cooperative pool).
    public func classify(_ texts: [String]) throws -> [SentimentScore] {
        try engine.classify(texts).map { result in
            var probabilities: [String: Double] = [:]
            for (label, p) in zip(labels, result.probabilities) { probabilities[label, default: 0] += Double(p) }
            return SentimentScore(label: labels[result.labelIndex], score: Double(result.score),
                                  probabilities: probabilities, model: modelID, modelVersion: version)
        }
    }

    /// Lower-cases a label; for the crypto model maps `positive`/`negative` to `bullish`/`bearish`.
    static func normalise(_ label: String, for kind: Sentiment.Model) -> String {
        let lower = label.lowercased()
        guard kind == .crypto else { return lower }
        switch lower {
        case "positive": return "bullish"
        case "negative": return "bearish"
        default: return lower
        }
    }

    /// Reads the model id and version from `config.json` (already validated by the engine).
    private static func identity(configAt url: URL) -> (id: String?, version: String?) {
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return (nil, nil) }
        let ours = object["cryptodt"] as? [String: Any]
        let id = (ours?["model_id"] as? String) ?? (object["_name_or_path"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return (id, ours?["version"] as? String)
    }
}
