import Foundation
import HTTPTypes
import Hummingbird
import ReplayUpstream
import Testing

/// The `/_control/` API: runtime routes, hits, reset, 404s and errors.
@Suite(.timeLimit(.minutes(1))) struct ControlAPITests {
    static let price = "/coingecko/api/v3/simple/price?ids=bitcoin&vs_currencies=usd&include_24hr_change=true"

    @Test func runtimeRouteChangesAPriceUntilReset() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            let before = try await probe.get(Self.price)
            #expect(before.status == 200)
            #expect(before.text.contains(#""usd":67187.3358936566"#))

            let changed = #"{"bitcoin":{"usd":70123.5,"usd_24h_change":4.37}}"#
            let body = try JSONSerialization.data(withJSONObject: [
                "path": "/coingecko/api/v3/simple/price", "query": ["ids": "bitcoin"], "body": changed,
            ])
            let added = try await probe.post("/_control/routes", json: String(decoding: body, as: UTF8.self))
            #expect(added.status == 201)
            let after = try await probe.get(Self.price)
            #expect(after.status == 200)
            #expect(after.text == changed)
            #expect(after.header("content-type") == "application/json; charset=utf-8")

            #expect(try await probe.post("/_control/reset", json: "{}").status == 200)
            #expect(try await probe.get(Self.price).text.contains(#""usd":67187.3358936566"#))
        }
    }

    @Test func runtimeRoutesCanServeFixtureFilesAndNewPaths() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            // Serve the ohlc capture for another coin, and an array of two routes at once.
            let posted = try await probe.post(
                "/_control/routes",
                json: """
                    [{"path": "/coingecko/api/v3/coins/ethereum/ohlc", "file": "coingecko/ohlc.json"},
                     {"method": "GET", "path": "/cryptopanic/api/v1/posts/", "body": "[]", "status": 503,
                      "headers": {"retry-after": "30"}}]
                    """)
            #expect(posted.status == 201)
            let ohlc = try await probe.get("/coingecko/api/v3/coins/ethereum/ohlc?vs_currency=usd&days=7")
            #expect(ohlc.bytes == (try ReplayTestSupport.fixture("coingecko/ohlc.json")))
            let panic = try await probe.get("/cryptopanic/api/v1/posts/?auth_token=x")
            #expect(panic.status == 503)
            #expect(panic.header("retry-after") == "30")

            let listing = try await probe.get("/_control/routes")
            #expect(listing.text.contains("/cryptopanic/api/v1/posts/"))

            #expect(try await probe.delete("/_control/routes").status == 200)
            #expect(try await probe.get("/coingecko/api/v3/coins/ethereum/ohlc?vs_currency=usd&days=7").status == 404)
        }
    }

    @Test func hitsCountPathsAndQueriesAndLogHeadersInOrder() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            var headers = HTTPFields()
            headers[.ifNoneMatch] = "\"abc\""
            headers[try #require(HTTPField.Name("x-cg-pro-api-key"))] = "test-key"
            _ = try await probe.get("/binance/api/v3/ticker/price?symbol=BTCUSDT", headers: headers)
            _ = try await probe.get("/binance/api/v3/ticker/price?symbol=BTCUSDT")
            _ = try await probe.get("/binance/api/v3/klines?interval=1m&symbol=BTCUSDT")
            _ = try await probe.get("/nowhere/at/all")

            let hits = try await probe.hits()
            #expect(hits.total == 4)
            #expect(hits.count(path: "/binance/api/v3/ticker/price") == 2)
            #expect(hits.byRequest["/binance/api/v3/ticker/price?symbol=BTCUSDT"] == 2)
            #expect(hits.byRequest["/binance/api/v3/klines?interval=1m&symbol=BTCUSDT"] == 1)
            #expect(hits.log.map(\.path) == [
                "/binance/api/v3/ticker/price", "/binance/api/v3/ticker/price", "/binance/api/v3/klines", "/nowhere/at/all",
            ])
            #expect(hits.log.map(\.status) == [200, 200, 200, 404])
            #expect(hits.log[0].headers["if-none-match"] == "\"abc\"")
            #expect(hits.log[0].headers["x-cg-pro-api-key"] == "test-key")
            #expect(hits.log[1].headers["if-none-match"] == nil)
            #expect(hits.log[2].query == ["interval": "1m", "symbol": "BTCUSDT"])
            #expect(hits.log[2].route == "binance.klines")

            // Control requests are not counted; reset empties the log.
            _ = try await probe.post("/_control/reset", json: "{}")
            #expect(try await probe.hits().total == 0)
        }
    }

    @Test func unknownRequestIs404NamingWhatWasAsked() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            let response = try await probe.get("/coingecko/api/v3/simple/price?ids=dogecoin&vs_currencies=usd")
            #expect(response.status == 404)
            let object = try #require(try response.json() as? [String: Any])
            #expect(object["error"] as? String == "no capture matched")
            #expect(object["path"] as? String == "/coingecko/api/v3/simple/price")
            #expect((object["query"] as? [String: String])?["ids"] == "dogecoin")
            let candidates = try #require(object["routes_for_this_path"] as? [String])
            #expect(candidates.contains("GET /coingecko/api/v3/simple/price?ids=bitcoin&vs_currencies=usd"))
        }
    }

    @Test func malformedControlRequestsAre400WithAReason() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            let notJSON = try await probe.post("/_control/faults", json: "{nope")
            #expect(notJSON.status == 400)
            #expect(notJSON.text.contains("invalid JSON request"))
            let unknownFault = try await probe.post("/_control/faults", json: #"{"path": "/x", "fault": "explode"}"#)
            #expect(unknownFault.status == 400)
            let missingLatency = try await probe.post("/_control/faults", json: #"{"path": "/x", "fault": "latency"}"#)
            #expect(missingLatency.status == 400)
            #expect(missingLatency.text.contains("latency_ms"))
            let misspelt = try await probe.post(
                "/_control/faults", json: #"{"path": "/x", "fault": "latency", "latency_ms": 5, "latencyMs": 5}"#)
            #expect(misspelt.status == 400)
            #expect(misspelt.text.contains("unknown fault field(s) latencyMs"))
            let missingFile = try await probe.post("/_control/routes", json: #"{"path": "/x", "file": "nope.json"}"#)
            #expect(missingFile.status == 400)
            #expect(missingFile.text.contains("nope.json"))
            #expect(try await probe.get("/_control/nothing").status == 404)
            #expect(try await probe.get("/_control/health").text == #"{"status":"ok"}"#)
        }
    }
}
