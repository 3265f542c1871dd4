import Contracts
import CryptoModels
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import Logging
import RPC
import Synchronization
import Testing

/// The sentiment routes against an in-process analyzer: body shapes, limits, and error mapping.
@Suite("Sentiment routes")
struct SentimentRoutesTests {
    /// Answers `positive` for every text, or throws the configured error; records what it was asked.
    final class FakeAnalyzer: SentimentAnalyzer {
        let failure: RPCError?
        let calls = Mutex<[Sentiment.Analyze.Params]>([])
        init(failure: RPCError? = nil) { self.failure = failure }

        func analyze(_ params: Sentiment.Analyze.Params, requestID: String) async throws -> Sentiment.Analyze.Result {
            calls.withLock { $0.append(params) }
            if let failure { throw failure }
            let label = params.model == .crypto ? "bullish" : "positive"
            return .init(results: params.texts.map { _ in
                SentimentScore(label: label, score: 0.9, probabilities: [label: 0.9, "neutral": 0.1], model: "fake", modelVersion: "7")
            }, model: params.model ?? .financial, modelID: "fake", modelVersion: "7")
        }
    }

    func app(_ analyzer: FakeAnalyzer) -> some ApplicationProtocol {
        let router = Router(context: GatewayContext.self)
        router.add(middleware: EdgeMiddleware(logger: Logger(label: "test"), accessLog: false))
        SentimentRoutes(analyzer: analyzer).addRoutes(to: router)
        return Application(router: router)
    }

    func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]) ?? [:]
    }

    @Test("{text} answers one result, {texts} an array; each route selects its model")
    func shapes() async throws {
        let analyzer = FakeAnalyzer()
        try await app(analyzer).test(.router) { client in
            try await client.execute(uri: "/api/sentiment/analyze", method: .post, body: ByteBuffer(string: #"{"text":"Profit up"}"#)) { r in
                #expect(r.status == .ok)
                let data = json(r.body)["data"] as? [String: Any]
                #expect(data?["label"] as? String == "positive")
                #expect(data?["model_version"] as? String == "7")
                #expect((json(r.body)["meta"] as? [String: Any])?["source"] as? String == "fake")
            }
            try await client.execute(uri: "/api/analyze/text", method: .post, body: ByteBuffer(string: #"{"texts":["a","b"]}"#)) { r in
                #expect(r.status == .ok)
                #expect((json(r.body)["data"] as? [[String: Any]])?.count == 2)
            }
            try await client.execute(uri: "/api/sentiment/crypto-analysis", method: .post, body: ByteBuffer(string: #"{"text":"BTC up"}"#)) { r in
                #expect((json(r.body)["data"] as? [String: Any])?["label"] as? String == "bullish")
            }
        }
        #expect(analyzer.calls.withLock { $0.map(\.model) } == [.financial, .financial, .crypto])
    }

    @Test("limits and malformed bodies are problems before any model runs", arguments: [
        (#"{"texts":[\#(Array(repeating: "\"x\"", count: 65).joined(separator: ","))]}"#, 413, "payload-too-large"),
        (#"{"text":"\#(String(repeating: "a", count: 2_001))"}"#, 413, "payload-too-large"),
        (#"{"text":""}"#, 400, "invalid-parameter"),
        (#"{"texts":[]}"#, 400, "invalid-parameter"),
        (#"{"texts":["ok","  "]}"#, 400, "invalid-parameter"),
        (#"{"text":"a","texts":["b"]}"#, 400, "invalid-parameter"),
        (#"{}"#, 400, "invalid-parameter"),
        (#"{"text": 5}"#, 400, "invalid-parameter"),
        (#"not json"#, 400, "invalid-parameter"),
    ])
    func rejected(body: String, status: Int, type: String) async throws {
        let analyzer = FakeAnalyzer()
        try await app(analyzer).test(.router) { client in
            try await client.execute(uri: "/api/sentiment/analyze", method: .post, body: ByteBuffer(string: body)) { r in
                #expect(Int(r.status.code) == status)
                #expect(r.headers[.contentType] == "application/problem+json")
                #expect(json(r.body)["type"] as? String == type)
            }
        }
        #expect(analyzer.calls.withLock { $0.isEmpty })
    }

    @Test("a body over 1 MiB is 413")
    func hugeBody() async throws {
        try await app(FakeAnalyzer()).test(.router) { client in
            let body = #"{"text":""# + String(repeating: "a", count: 1 << 20) + #""}"#
            try await client.execute(uri: "/api/sentiment/analyze", method: .post, body: ByteBuffer(string: body)) { r in
                #expect(r.status.code == 413)
                #expect(json(r.body)["type"] as? String == "payload-too-large")
            }
        }
    }

    @Test("model-unavailable from the service is a 503 problem with Retry-After and the reason")
    func unavailable() async throws {
        let failure = RPCError.problem("model-unavailable", status: 503, title: "Model unavailable",
                                       detail: "the financial sentiment model is unavailable: model file not found: /x",
                                       extensions: ["model": "financial", "retry_after_s": 30])
        try await app(FakeAnalyzer(failure: failure)).test(.router) { client in
            try await client.execute(uri: "/api/sentiment/analyze", method: .post, body: ByteBuffer(string: #"{"text":"x"}"#)) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(r.headers[.retryAfter] == "30")
                #expect(json(r.body)["type"] as? String == "model-unavailable")
                #expect((json(r.body)["detail"] as? String)?.contains("model file not found") == true)
            }
        }
    }

    @Test("the OpenAPI fragment documents the three POST routes and model-unavailable")
    func openAPI() {
        let fragment = SentimentRoutes(analyzer: FakeAnalyzer()).openAPI
        #expect(Set(fragment.paths.keys) == ["/api/sentiment/analyze", "/api/sentiment/crypto-analysis", "/api/analyze/text"])
        #expect(fragment.problemTypes["model-unavailable"] != nil)
        #expect(fragment.schemas["SentimentResult"] != nil)
    }
}
