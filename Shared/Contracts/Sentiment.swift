import CryptoModels
import RPC

/// news-sentiment-svc's transformer sentiment methods (the model runs natively in Swift; see docs/SENTIMENT.md).
public enum Sentiment {
    /// Which of the service's models answers.
    public enum Model: String, Sendable, Hashable, Codable, CaseIterable {
        /// Financial news tone: `positive` / `negative` / `neutral` (`SENTIMENT_MODEL_DIR`).
        case financial
        /// Market direction: `bullish` / `bearish` / `neutral` (`CRYPTO_SENTIMENT_MODEL_DIR`).
        case crypto
    }

    /// Request limits, enforced by the service and by the gateway alike.
    public enum Limits {
        /// Most texts in one call (more: `payload-too-large`, 413).
        public static let maxTexts = 64
        /// Most characters (extended grapheme clusters) in one text (more: `payload-too-large`, 413).
        public static let maxCharacters = 2_000
    }

    /// Problem types of the sentiment methods.
    public enum ProblemType {
        /// The model is loading, missing or corrupt (503); the detail says which and why.
        public static let modelUnavailable = "model-unavailable"
        /// Too many texts or a text too long (413).
        public static let payloadTooLarge = "payload-too-large"
        /// An empty text or an unknown model (400).
        public static let invalidParameter = "invalid-parameter"
    }

    /// `sentiment.analyze`: classifies up to ``Limits/maxTexts`` texts with one model. Concurrent calls are
    /// micro-batched into one forward pass. Errors: `model-unavailable` (503), `payload-too-large` (413),
    /// `invalid-parameter` (400).
    public enum Analyze: RPCMethod {
        public static let name = "sentiment.analyze"
        /// The texts and the model.
        public struct Params: Codable, Sendable, Hashable {
            /// Texts to classify (1…64, each 1…2,000 characters, not only whitespace).
            public var texts: [String]
            /// The model; `financial` when absent.
            public var model: Model?
            /// Creates the parameters.
            public init(texts: [String], model: Model? = nil) {
                self.texts = texts
                self.model = model
            }
        }
        /// One score per text, in order.
        public struct Result: Codable, Sendable, Hashable {
            /// Scores parallel to the texts (label, score, per-class probabilities, model id and version).
            public var results: [SentimentScore]
            /// The model selector that answered.
            public var model: Model
            /// The model's identifier.
            public var modelID: String
            /// The model's version.
            public var modelVersion: String
            /// Creates the result.
            public init(results: [SentimentScore], model: Model, modelID: String, modelVersion: String) {
                self.results = results
                self.model = model
                self.modelID = modelID
                self.modelVersion = modelVersion
            }

            enum CodingKeys: String, CodingKey {
                case results, model, modelID = "model_id", modelVersion = "model_version"
            }
        }
    }
}

extension Sentiment.Limits {
    /// The first limit `texts` breaks, as the application error to answer with; `nil` when the texts are acceptable.
    /// Too many texts or a text over ``maxCharacters`` → `payload-too-large` (413); no texts, or an empty or
    /// whitespace-only text → `invalid-parameter` (400).
    public static func violation(in texts: [String]) -> RPCError? {
        if texts.isEmpty {
            return .problem(Sentiment.ProblemType.invalidParameter, status: 400, title: "Invalid parameter",
                            detail: "at least one text is required", extensions: ["parameter": .string("texts")])
        }
        if texts.count > maxTexts {
            return .problem(Sentiment.ProblemType.payloadTooLarge, status: 413, title: "Payload too large",
                            detail: "\(texts.count) texts given; at most \(maxTexts) per request",
                            extensions: ["limit": .number(Double(maxTexts)), "parameter": .string("texts")])
        }
        for (index, text) in texts.enumerated() {
            if text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
                return .problem(Sentiment.ProblemType.invalidParameter, status: 400, title: "Invalid parameter",
                                detail: "text \(index) is empty", extensions: ["parameter": .string("texts"), "index": .number(Double(index))])
            }
            let length = text.count
            if length > maxCharacters {
                return .problem(Sentiment.ProblemType.payloadTooLarge, status: 413, title: "Payload too large",
                                detail: "text \(index) has \(length) characters; at most \(maxCharacters) per text",
                                extensions: ["limit": .number(Double(maxCharacters)), "parameter": .string("texts"),
                                             "index": .number(Double(index))])
            }
        }
        return nil
    }
}
