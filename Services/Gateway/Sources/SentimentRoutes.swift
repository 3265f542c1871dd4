import Contracts
import CryptoModels
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RPC

/// Calls `sentiment.analyze` (news-sentiment-svc); a protocol so route tests can answer in-process.
public protocol SentimentAnalyzer: Sendable {
    /// Scores texts with one model; failures are ``BackendError``s or ``Problem``s.
    func analyze(_ params: Sentiment.Analyze.Params, requestID: String) async throws -> Sentiment.Analyze.Result
}

/// The production analyzer: an RPC call to news-sentiment-svc.
struct RPCSentimentAnalyzer: SentimentAnalyzer {
    let backends: Backends

    func analyze(_ params: Sentiment.Analyze.Params, requestID: String) async throws -> Sentiment.Analyze.Result {
        try await backends.call(.newsSentiment, Sentiment.Analyze.self, params, requestID: requestID)
    }
}

/// `POST /api/sentiment/analyze`, `POST /api/sentiment/crypto-analysis` and the seed's alias `POST /api/analyze/text`.
///
/// Body `{"text": "…"}` (answered with one result) or `{"texts": ["…", …]}` (answered with an array, in order);
/// at most 64 texts of at most 2,000 characters (413 `payload-too-large`), none empty (400 `invalid-parameter`).
/// A model that is loading, missing or corrupt answers 503 `model-unavailable` — never a keyword guess.
public struct SentimentRoutes: RouteArea {
    /// Where analysis runs.
    public let analyzer: any SentimentAnalyzer
    /// Largest accepted body: 64 texts × 2,000 characters of up to 4 UTF-8 bytes, JSON-escaped, plus slack.
    static let maxBodyBytes = 1 << 20

    /// Creates the routes over an analyzer.
    public init(analyzer: any SentimentAnalyzer) {
        self.analyzer = analyzer
    }

    /// Creates the routes over the backend RPC clients.
    public init(backends: Backends) {
        self.init(analyzer: RPCSentimentAnalyzer(backends: backends))
    }

    /// The request body.
    struct Body: Decodable {
        var text: String?
        var texts: [String]?
    }

    public func addRoutes(to router: Router<GatewayContext>) {
        router.post("/api/sentiment/analyze") { request, context in try await analyze(request, context, model: .financial) }
        router.post("/api/sentiment/crypto-analysis") { request, context in try await analyze(request, context, model: .crypto) }
        router.post("/api/analyze/text") { request, context in try await analyze(request, context, model: .financial) }
    }

    func analyze(_ request: Request, _ context: GatewayContext, model: Sentiment.Model) async throws -> Response {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw Problem(type: "payload-too-large", title: "Payload too large", status: .contentTooLarge,
                          detail: "the request body exceeds \(Self.maxBodyBytes) bytes")
        }
        let (texts, single) = try Self.parse(Data(buffer: buffer))
        if let violation = Sentiment.Limits.violation(in: texts) {
            throw Problem.from(rpc: violation, service: ServiceName.newsSentiment.executable)
        }
        let result = try await analyzer.analyze(.init(texts: texts, model: model), requestID: context.requestID)
        let now = Timestamps.nowMillis()
        let meta = DataMeta(source: result.modelID, asOf: now, fetchedAt: now)
        if single, let first = result.results.first {
            return try JSONBody.response(DataEnvelope(data: first, meta: meta))
        }
        return try JSONBody.response(DataEnvelope(data: result.results, meta: meta))
    }

    /// Reads `{"text"}` or `{"texts"}`; returns the texts and whether a single text was sent.
    static func parse(_ data: Data) throws -> ([String], Bool) {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch {
            throw Problem(type: "invalid-parameter", title: "Invalid parameter", status: .badRequest,
                          detail: #"the body must be a JSON object {"text": string} or {"texts": [string]}"#,
                          extensions: ["parameter": "body"])
        }
        switch (body.text, body.texts) {
        case (let text?, nil): return ([text], true)
        case (nil, let texts?): return (texts, false)
        case (nil, nil):
            throw Problem.invalidParameter("text", #"give "text" (a string) or "texts" (an array of strings)"#)
        case (.some, .some):
            throw Problem.invalidParameter("text", #"give either "text" or "texts", not both"#)
        }
    }

    public var openAPI: OpenAPIFragment {
        let body: JSON = [
            "required": true,
            "content": ["application/json": ["schema": [
                "oneOf": [
                    ["type": "object", "required": ["text"], "additionalProperties": false,
                     "properties": ["text": ["type": "string", "minLength": 1, "maxLength": .number(Double(Sentiment.Limits.maxCharacters))]]],
                    ["type": "object", "required": ["texts"], "additionalProperties": false,
                     "properties": ["texts": ["type": "array", "minItems": 1, "maxItems": .number(Double(Sentiment.Limits.maxTexts)),
                                              "items": ["type": "string", "minLength": 1,
                                                        "maxLength": .number(Double(Sentiment.Limits.maxCharacters))]]]],
                ],
            ]]],
        ]
        func operation(_ id: String, _ summary: String, labels: [String]) -> JSON {
            guard case .object(var op) = OpenAPIDocument.operation(id, summary: summary, responses: [
                "200": OpenAPIDocument.response(
                    "One result for `text`, an array for `texts` (labels: \(labels.joined(separator: ", ")))",
                    schema: ["type": "object", "required": ["data", "meta"], "properties": [
                        "data": ["oneOf": [OpenAPIDocument.ref("SentimentResult"),
                                           ["type": "array", "items": OpenAPIDocument.ref("SentimentResult")]]],
                        "meta": ["type": "object", "description": "source is the model id; as_of/fetched_at the analysis time"],
                    ]]),
            ]) else { return [:] }
            op["requestBody"] = body
            return .object(op)
        }
        return OpenAPIFragment(
            paths: [
                "/api/sentiment/analyze": ["post": operation(
                    "analyzeSentiment", "Financial sentiment of up to 64 texts (native MiniLM model)", labels: ["positive", "negative", "neutral"])],
                "/api/sentiment/crypto-analysis": ["post": operation(
                    "analyzeCryptoSentiment", "Market direction of up to 64 texts", labels: ["bullish", "bearish", "neutral"])],
                "/api/analyze/text": ["post": operation(
                    "analyzeText", "Alias of /api/sentiment/analyze (the seed system's path)", labels: ["positive", "negative", "neutral"])],
            ],
            schemas: [
                "SentimentResult": [
                    "type": "object",
                    "required": ["label", "score", "probabilities", "model", "model_version"],
                    "properties": [
                        "label": ["type": "string", "description": "most probable class"],
                        "score": ["type": "number", "description": "its probability"],
                        "probabilities": ["type": "object", "additionalProperties": ["type": "number"]],
                        "model": ["type": "string"], "model_version": ["type": "string"],
                    ],
                ],
            ],
            problemTypes: [
                "model-unavailable": "The sentiment model is loading, missing or corrupt (503, with Retry-After); the detail says why.",
                "payload-too-large": "More than 64 texts, a text over 2,000 characters, or a body over 1 MiB (413).",
            ])
    }
}
