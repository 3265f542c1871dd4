import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ReplayUpstream
import Testing

/// Each fault type against a live server on a free loopback port.
@Suite(.timeLimit(.minutes(1))) struct FaultTests {
    static let price = "/coingecko/api/v3/simple/price?ids=bitcoin&vs_currencies=usd"

    @Test func latencyDelaysThenServesTheCapture() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            let added = try await probe.post(
                "/_control/faults", json: #"{"path": "/coingecko/api/v3/simple/price", "fault": "latency", "latency_ms": 400}"#)
            #expect(added.status == 201)
            let clock = ContinuousClock()
            let start = clock.now
            let response = try await probe.get(Self.price)
            #expect(clock.now - start >= .milliseconds(400))
            #expect(response.status == 200)
            #expect(response.bytes == (try ReplayTestSupport.fixture("coingecko/simple_price.json")))
        }
    }

    @Test func statusFaultUsesTheProvidersRealErrorCapture() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            _ = try await probe.post("/_control/faults", json: #"{"path": "/coingecko/*", "fault": "status", "status": 500}"#)
            let response = try await probe.get(Self.price)
            #expect(response.status == 500)
            #expect(response.text == #"{"status":500,"error":"Internal Server Error"}"#)

            // A status with no capture gets an explicit replay body, plus the optional Retry-After.
            _ = try await probe.delete("/_control/faults")
            _ = try await probe.post(
                "/_control/faults", json: #"{"path": "/kraken/*", "fault": "status", "status": 503, "retry_after_s": 5}"#)
            let kraken = try await probe.get("/kraken/0/public/Ticker?pair=XBTUSDT")
            #expect(kraken.status == 503)
            #expect(kraken.header("retry-after") == "5")
            let object = try #require(try kraken.json() as? [String: Any])
            #expect(object["fault"] as? String == "status")

            // A custom body wins.
            _ = try await probe.post(
                "/_control/faults",
                json: #"{"path": "/binance/api/v3/klines", "fault": "status", "status": 418, "body": "teapot"}"#)
            let binance = try await probe.get("/binance/api/v3/klines?symbol=BTCUSDT&interval=1m")
            #expect(binance.status == 418)
            #expect(binance.text == "teapot")
        }
    }

    @Test func rateLimitServes429WithRetryAfterAndCountsDown() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            _ = try await probe.post(
                "/_control/faults", json: #"{"path": "/coingecko/api/v3/simple/price", "fault": "rate_limit", "times": 2}"#)
            for _ in 0..<2 {
                let limited = try await probe.get(Self.price)
                #expect(limited.status == 429)
                #expect(limited.header("retry-after") == "119")
                #expect(limited.bytes == (try ReplayTestSupport.fixture("coingecko/error_429_rate_limit.json")))
            }
            // "times": 2 is used up: the third request gets the capture again.
            let third = try await probe.get(Self.price)
            #expect(third.status == 200)
            #expect(third.text.contains(#""usd":67187.3358936566"#))

            // retry_after_s overrides the capture's header.
            _ = try await probe.post("/_control/faults", json: #"{"path": "/coingecko/*", "fault": "rate_limit", "retry_after_s": 7}"#)
            let overridden = try await probe.get("/coingecko/api/v3/global")
            #expect(overridden.status == 429)
            #expect(overridden.header("retry-after") == "7")
        }
    }

    @Test func garbageIsATruncatedUnparseableBody() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            _ = try await probe.post("/_control/faults", json: #"{"path": "/binance/*", "fault": "garbage"}"#)
            let response = try await probe.get("/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=10")
            let capture = try ReplayTestSupport.fixture("binance/klines.json")
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json; charset=utf-8")
            #expect(response.bytes.count == capture.count / 2)
            #expect(Array(capture.prefix(response.bytes.count)) == response.bytes)
            #expect(throws: (any Error).self) { try response.json() }

            // DefiLlama /tvl/uniswap is a bare number: its first half would still parse, so a fixed fragment is sent.
            _ = try await probe.post("/_control/faults", json: #"{"path": "/defillama/*", "fault": "garbage"}"#)
            let tvl = try await probe.get("/defillama/tvl/uniswap")
            #expect(tvl.status == 200)
            #expect(throws: (any Error).self) { try tvl.json() }
        }
    }

    @Test func resetClosesTheConnectionWithoutAResponse() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            _ = try await probe.post("/_control/faults", json: #"{"path": "/kraken/*", "fault": "reset", "times": 1}"#)
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: (any Error).self) {
                _ = try await probe.get("/kraken/0/public/Ticker?pair=XBTUSDT", timeout: .seconds(60))
            }
            // The error is the closed connection, not the 60 s read timeout (15 s: the first seconds of a full
            // two-core test run are a storm of process start-ups).
            #expect(clock.now - start < .seconds(15))
            // The fault was used once: the next request is answered from the capture.
            let next = try await probe.get("/kraken/0/public/Ticker?pair=XBTUSDT")
            #expect(next.status == 200)
            #expect(next.text.contains("\"105944.30000\""))
            let hits = try await probe.hits()
            #expect(hits.log.map(\.status) == [nil, 200])
            #expect(hits.log.first?.fault == .reset)
        }
    }

    @Test func hangTimesOutTheClientWhileOtherRequestsAreServed() async throws {
        let clock = ContinuousClock()
        var stoppedAt = clock.now
        let server = try ReplayTestSupport.makeServer()
        let shutdownStarted = try await server.withRunning { address in
            let probe = HTTPProbe(port: address.port)
            _ = try await probe.post("/_control/faults", json: #"{"path": "/defillama/protocols", "fault": "hang"}"#)
            async let hung = #expect(throws: ProbeError.timedOut) {
                _ = try await probe.get("/defillama/protocols", timeout: .seconds(1))
            }
            try await Task.sleep(for: .milliseconds(100))  // let the hanging request reach the server first
            let parallel = try await probe.get("/defillama/tvl/uniswap")
            #expect(parallel.status == 200)
            #expect(parallel.text == "4962012809.795062")
            _ = await hung
            // The client closed its connection on giving up: the server lets go of the request.
            var hanging = try await probe.hits().hanging
            for _ in 0..<200 where hanging > 0 { // up to 10 s: the close reaches a busy server late
                try await Task.sleep(for: .milliseconds(50))
                hanging = try await probe.hits().hanging
            }
            #expect(hanging == 0)

            // A second hanging client is still connected when the server is told to stop.
            let lingering = TestClient(host: "127.0.0.1", port: probe.port)
            lingering.connect()
            try await lingering.executeAndDontWaitForResponse(.init("/defillama/protocols", method: .get))
            try await Task.sleep(for: .milliseconds(200))
            let beforeStop = try await probe.hits()
            #expect(beforeStop.byPath["/defillama/protocols"] == 2)
            #expect(beforeStop.hanging == 1)
            stoppedAt = clock.now
            return lingering
        }
        // Shutdown did not wait for the hanging request.
        #expect(clock.now - stoppedAt < .seconds(5))
        #expect(server.store.hangingRequests == 0)
        try? await shutdownStarted.shutdown()
    }

    @Test func oversizeStreamsExactlySizeBytes() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            _ = try await probe.post(
                "/_control/faults", json: #"{"path": "/coincap/*", "fault": "oversize", "size_bytes": 300000}"#)
            let response = try await probe.get("/coincap/v3/assets")
            #expect(response.status == 200)
            #expect(response.bytes.count == 300_000)
            #expect(response.text.hasPrefix(#"{"padding":"aaaa"#))
        }
    }

    @Test func mostSpecificFaultWinsAndMethodFiltersApply() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            _ = try await probe.post("/_control/faults", json: #"{"path": "/coingecko/*", "fault": "status", "status": 503}"#)
            _ = try await probe.post(
                "/_control/faults", json: #"{"path": "/coingecko/api/v3/global", "fault": "status", "status": 502}"#)
            _ = try await probe.post(
                "/_control/faults", json: #"{"path": "/kraken/*", "method": "POST", "fault": "status", "status": 500}"#)
            #expect(try await probe.get("/coingecko/api/v3/global").status == 502)
            #expect(try await probe.get("/coingecko/api/v3/search/trending").status == 503)
            // The Kraken fault only applies to POST.
            let ticker = try await probe.get("/kraken/0/public/Ticker?pair=XBTUSDT")
            #expect(ticker.status == 200)
            #expect(try await probe.send(.post, "/kraken/0/public/Ticker", body: "{}").status == 500)
            let faults = try JSONSerialization.jsonObject(with: Data(try await probe.get("/_control/faults").bytes))
            #expect((faults as? [[String: Any]])?.compactMap { $0["applied"] as? Int } == [1, 1, 1])
        }
    }

    @Test func clearingFaultsRestoresTheCaptures() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            _ = try await probe.post("/_control/faults", json: #"{"path": "/coingecko/*", "fault": "status", "status": 502}"#)
            #expect(try await probe.get(Self.price).status == 502)
            let listed = try await probe.get("/_control/faults")
            #expect(listed.text.contains(#""applied":1"#))
            #expect(try await probe.delete("/_control/faults").status == 200)
            #expect(try await probe.get(Self.price).status == 200)
        }
    }
}
