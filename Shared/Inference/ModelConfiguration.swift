import Foundation

/// The encoder families this engine runs.
public enum ModelArchitecture: String, Sendable, Equatable {
    /// BERT (also MiniLM and other BERT-shaped sentence encoders).
    case bert
    /// DistilBERT.
    case distilbert
}

/// Activation functions of the feed-forward layer.
public enum Activation: String, Sendable, Equatable {
    /// Exact GELU, `x·Φ(x)` with `erf` (Hugging Face's `"gelu"`).
    case gelu
    /// The tanh approximation of GELU (`"gelu_new"`, `"gelu_pytorch_tanh"`).
    case geluTanh
    /// `max(0, x)`.
    case relu
}

/// The shape of a BERT or DistilBERT encoder and its heads, read from `config.json`.
public struct ModelConfiguration: Sendable, Equatable {
    /// Which encoder family.
    public var architecture: ModelArchitecture
    /// Vocabulary size (rows of the word-embedding matrix).
    public var vocabularySize: Int
    /// Hidden width.
    public var hiddenSize: Int
    /// Number of transformer layers.
    public var layerCount: Int
    /// Attention heads per layer.
    public var headCount: Int
    /// Width of the feed-forward layer.
    public var intermediateSize: Int
    /// Rows of the position-embedding matrix: the longest sequence the model accepts.
    public var maxPositionEmbeddings: Int
    /// Rows of the token-type embedding matrix (0 for DistilBERT).
    public var typeVocabularySize: Int
    /// LayerNorm epsilon.
    public var layerNormEpsilon: Float
    /// Feed-forward activation.
    public var activation: Activation
    /// Class labels by index, from `id2label` (empty when the config has none).
    public var labels: [String]
    /// The `architectures` list, e.g. `["BertForSequenceClassification"]`.
    public var architectures: [String]

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    /// Parses a `config.json` object.
    /// - Throws: ``InferenceError/invalidConfiguration(reason:)`` or ``InferenceError/unsupportedModel(reason:)``.
    public init(json object: [String: Any]) throws {
        func integer(_ keys: String...) throws -> Int {
            for key in keys {
                if let number = object[key] as? NSNumber {
                    let value = number.intValue
                    guard value > 0, Double(value) == number.doubleValue else {
                        throw InferenceError.invalidConfiguration(reason: "\(key) must be a positive integer, got \(number)")
                    }
                    return value
                }
            }
            throw InferenceError.invalidConfiguration(reason: "config.json has no \(keys.joined(separator: " / "))")
        }
        let modelType = (object["model_type"] as? String ?? "").lowercased()
        switch modelType {
        case "bert":
            architecture = .bert
            vocabularySize = try integer("vocab_size")
            hiddenSize = try integer("hidden_size")
            layerCount = try integer("num_hidden_layers")
            headCount = try integer("num_attention_heads")
            intermediateSize = try integer("intermediate_size")
            maxPositionEmbeddings = try integer("max_position_embeddings")
            typeVocabularySize = object["type_vocab_size"] == nil ? 2 : try integer("type_vocab_size")
            layerNormEpsilon = (object["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12
            activation = try Self.activation(object["hidden_act"] as? String ?? "gelu")
            if let kind = object["position_embedding_type"] as? String, kind != "absolute" {
                throw InferenceError.unsupportedModel(reason: "position_embedding_type \(kind) (only absolute)")
            }
        case "distilbert":
            architecture = .distilbert
            vocabularySize = try integer("vocab_size")
            hiddenSize = try integer("dim")
            layerCount = try integer("n_layers")
            headCount = try integer("n_heads")
            intermediateSize = try integer("hidden_dim")
            maxPositionEmbeddings = try integer("max_position_embeddings")
            typeVocabularySize = 0
            layerNormEpsilon = 1e-12
            activation = try Self.activation(object["activation"] as? String ?? "gelu")
        case "":
            throw InferenceError.invalidConfiguration(reason: "config.json has no model_type")
        default:
            throw InferenceError.unsupportedModel(reason: "model_type \(modelType) (supported: bert, distilbert)")
        }
        guard hiddenSize % headCount == 0 else {
            throw InferenceError.invalidConfiguration(
                reason: "hidden size \(hiddenSize) is not divisible by \(headCount) attention heads")
        }
        guard layerNormEpsilon > 0, layerNormEpsilon.isFinite else {
            throw InferenceError.invalidConfiguration(reason: "layer norm epsilon must be positive")
        }
        architectures = object["architectures"] as? [String] ?? []
        labels = try Self.labels(object["id2label"])
    }

    /// Reads `config.json` from a model directory.
    /// - Throws: ``InferenceError/missingFile(path:)`` or a configuration error.
    public init(directory: URL) throws {
        let url = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw InferenceError.missingFile(path: url.path)
        }
        guard let object = try TokenizerConfiguration.readObject(url) else {
            throw InferenceError.missingFile(path: url.path)
        }
        try self.init(json: object)
    }

    private static func activation(_ name: String) throws -> Activation {
        switch name {
        case "gelu": return .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": return .geluTanh
        case "relu": return .relu
        default: throw InferenceError.unsupportedModel(reason: "activation \(name)")
        }
    }

    /// Turns `{"0": "negative", "1": "positive"}` into `["negative", "positive"]`.
    private static func labels(_ value: Any?) throws -> [String] {
        guard let map = value as? [String: Any], !map.isEmpty else { return [] }
        var byIndex: [Int: String] = [:]
        for (key, label) in map {
            guard let index = Int(key), index >= 0, let text = label as? String else {
                throw InferenceError.invalidConfiguration(reason: "id2label entry \(key) is not an index → name pair")
            }
            byIndex[index] = text
        }
        return try (0..<byIndex.count).map { index in
            guard let label = byIndex[index] else {
                throw InferenceError.invalidConfiguration(reason: "id2label has no entry for class \(index)")
            }
            return label
        }
    }
}
