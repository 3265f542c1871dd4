import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import TestSupport

/// The real product models through the real executables: news-sentiment-svc and the gateway as child processes on
/// a temporary socket directory and a free port. The assembled model directories come from the environment
/// (`make test` exports them from scripts/install-models.sh); without them this test FAILS, it does not skip.
@Suite("Sentiment end to end with the product models", .timeLimit(.minutes(3)))
struct SentimentGatewayEndToEndTests {
    static func required(_ name: String) throws -> String {
        let value = ProcessInfo.processInfo.environment[name] ?? ""
        let config = (value as NSString).appendingPathComponent("config.json")
        guard !value.isEmpty, FileManager.default.fileExists(atPath: config) else {
            throw ModelMissing(description: "\(name) must name an assembled model directory (run scripts/install-models.sh "
                + "and export \(name)=$(scripts/install-models.sh --print-models-dir)/…); got '\(value)'")
        }
        return value
    }

    struct ModelMissing: Error, CustomStringConvertible { let description: String }

    @Test("unambiguous headlines get the obvious labels from both models via the three POST routes")
    func productModels() async throws {
        let financial = try Self.required("SENTIMENT_TEST_MODEL_DIR")
        let crypto = try Self.required("CRYPTO_SENTIMENT_TEST_MODEL_DIR")
        let temp = try TemporaryDirectory(prefix: "sent-e2e")
        defer { temp.remove() }
        let port = try FreePort.next()
        // The analysis routes need the sentiment:analyze scope: store-svc keeps the keys, ADMIN_API_KEY is bootstrapped.
        let adminKey = "sentiment-e2e-admin-key-0123456789"
        let env = ["DATA_DIR": temp.path, "SOCKET_DIR": temp.path, "PORT": String(port), "ACCESS_LOG": "false",
                   "SENTIMENT_MODEL_DIR": financial, "CRYPTO_SENTIMENT_MODEL_DIR": crypto, "SENTIMENT_THREADS": "1",
                   "ADMIN_API_KEY": adminKey]
        let store = try ServiceProcess(executable: BuiltProducts.path("store-svc"), environment: env, logPath: temp.file("store.log"))
        let service = try ServiceProcess(executable: BuiltProducts.path("news-sentiment-svc"), environment: env,
                                         logPath: temp.file("news.log"))
        let gateway = try ServiceProcess(executable: BuiltProducts.path("gateway"), environment: env,
                                         logPath: temp.file("gateway.log"))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        func post(_ path: String, _ json: String) async throws -> (Int, [String: Any]) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "X-API-Key", value: adminKey)
            request.body = .bytes(ByteBuffer(string: json))
            let response = try await http.execute(request, timeout: .seconds(20))
            let body = try await response.body.collect(upTo: 1 << 20)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
            return (Int(response.status.code), object)
        }
        do {
            let ready = await Eventually.wait(timeout: .seconds(60), interval: .milliseconds(250)) {
                let crypto = try? await post("/api/sentiment/crypto-analysis", #"{"text":"ready?"}"#).0
                let financial = try? await post("/api/sentiment/analyze", #"{"text":"ready?"}"#).0
                return crypto == 200 && financial == 200
            }
            #expect(ready, "models did not load: \(service.output().suffix(2000))")

            let (status, body) = try await post("/api/sentiment/analyze", #"""
                {"texts": ["Operating profit rose to EUR 13.1 mn from EUR 8.7 mn in the corresponding period in 2007.",
                           "The company reported a net loss and cut its full-year outlook, sending shares down 20 %.",
                           "The annual general meeting will be held in Helsinki on 12 March."]}
                """#)
            #expect(status == 200)
            let results = try #require(body["data"] as? [[String: Any]])
            #expect(results.map { $0["label"] as? String } == ["positive", "negative", "neutral"])
            let first = try #require(results.first)
            #expect(first["model"] as? String == "cryptodt/financial-sentiment-minilm")
            #expect((first["probabilities"] as? [String: Double])?.keys.sorted() == ["negative", "neutral", "positive"])
            #expect((body["meta"] as? [String: Any])?["source"] as? String == "cryptodt/financial-sentiment-minilm")

            let (aliasStatus, alias) = try await post("/api/analyze/text", #"{"text": "Quarterly sales jumped 40 % and the company raised its guidance."}"#)
            #expect(aliasStatus == 200)
            #expect((alias["data"] as? [String: Any])?["label"] as? String == "positive")

            let (cryptoStatus, cryptoBody) = try await post("/api/sentiment/crypto-analysis", #"""
                {"texts": ["$AAPL upgraded to buy at Morgan Stanley, price target raised to $200",
                           "$TSLA downgraded to sell as deliveries miss estimates; shares slump",
                           "Apple to hold its annual shareholder meeting on March 1"]}
                """#)
            #expect(cryptoStatus == 200)
            let cryptoResults = try #require(cryptoBody["data"] as? [[String: Any]])
            #expect(cryptoResults.map { $0["label"] as? String } == ["bullish", "bearish", "neutral"])

            let (tooMany, problem) = try await post("/api/sentiment/analyze",
                                                    #"{"texts": [\#(Array(repeating: "\"x\"", count: 65).joined(separator: ","))]}"#)
            #expect(tooMany == 413)
            #expect(problem["type"] as? String == "payload-too-large")
            let (empty, emptyProblem) = try await post("/api/sentiment/analyze", #"{"text": ""}"#)
            #expect(empty == 400)
            #expect(emptyProblem["type"] as? String == "invalid-parameter")
        } catch {
            Issue.record("\(error)\n--- news-sentiment-svc ---\n\(service.output().suffix(2000))")
        }
        try? await http.shutdown()
        await gateway.stop()
        await service.stop()
        await store.stop()
    }
}
