import Foundation
import Testing
import TestSupport

/// market-svc through the gateway against the replay upstream: failover, breaker, single-flight, stale, 503.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct MarketFailoverTests {
    /// A primary (CoinGecko) answer for ETH in BTC, so that the Binance capture (ETHBTC) is the failover.
    static let ethereumInBTC = #"""
    {"path": "/coingecko/api/v3/simple/price", "query": {"ids": "ethereum", "vs_currencies": "btc"},
     "body": "{\"ethereum\":{\"btc\":0.0357,\"last_updated_at\":1711356300}}"}
    """#
    static let chain = ["MARKET_PRICES_PROVIDERS": "coingecko,binance"]

    static func data(_ object: [String: Any]) -> [[String: Any]] { object["data"] as? [[String: Any]] ?? [] }
    static func meta(_ object: [String: Any]) -> [String: Any] { object["meta"] as? [String: Any] ?? [:] }

    @Test("the primary's real capture answers, then the cache does without another upstream call")
    func primaryThenCache() async throws {
        try await MarketStack.with { stack in
            let first = try await stack.json("/api/prices?symbols=BTC&vs=usd")
            #expect(first.status == 200)
            let quote = try #require(Self.data(first.object).first)
            #expect(quote["symbol"] as? String == "BTC")
            #expect(quote["price"] as? String == "67187.3358936566")
            #expect(quote["ts"] as? Int == 1_711_356_300_000)
            #expect(quote["time"] as? String == "2024-03-25T08:45:00.000Z")
            #expect(Self.meta(first.object)["source"] as? String == "coingecko")
            #expect(Self.meta(first.object)["cached"] as? Bool == false)
            #expect(first.headers.first(name: "cache-control")?.hasPrefix("public, max-age=") == true)
            let second = try await stack.json("/api/prices?symbols=btc")
            #expect(Self.meta(second.object)["cached"] as? Bool == true)
            let hits = try await stack.hits("/coingecko/api/v3/simple/price")
            #expect(hits == 1)
        }
    }

    @Test("a failing primary is replaced by the next provider", arguments: [
        #"{"path": "/coingecko/*", "fault": "status", "status": 500}"#,
        #"{"path": "/coingecko/*", "fault": "rate_limit", "retry_after_s": 30}"#,
        #"{"path": "/coingecko/*", "fault": "garbage"}"#,
        #"{"path": "/coingecko/*", "fault": "hang"}"#,
    ])
    func failover(fault: String) async throws {
        try await MarketStack.with(Self.chain) { stack in
            try await stack.control(.POST, "routes", Self.ethereumInBTC)
            try await stack.fault(fault)
            let started = ContinuousClock.now
            let response = try await stack.json("/api/prices?symbols=ETH&vs=btc")
            let elapsed = ContinuousClock.now - started
            #expect(response.status == 200)
            #expect(elapsed < .seconds(2), "answered in \(elapsed)")
            let quote = try #require(Self.data(response.object).first)
            #expect(quote["price"] as? String == "0.035641")
            #expect(quote["volume_24h"] as? String == "13459.43958266")
            #expect(Self.meta(response.object)["source"] as? String == "binance")
            #expect(Self.meta(response.object)["stale"] as? Bool == false)
            let coingeckoHits = try await stack.hits("/coingecko/api/v3/simple/price")
            #expect(coingeckoHits == 1)
        }
    }

    @Test("the breaker opens after the configured failures, skips the provider, and half-opens after the cool-down")
    func breaker() async throws {
        let env = Self.chain.merging(["PROVIDER_BREAKER_THRESHOLD": "2", "PROVIDER_BREAKER_COOLDOWN": "1",
                                      "MARKET_TTL_PRICES": "0.05"]) { $1 }
        try await MarketStack.with(env) { stack in
            try await stack.control(.POST, "routes", Self.ethereumInBTC)
            try await stack.fault(#"{"path": "/coingecko/*", "fault": "status", "status": 503}"#)
            for _ in 0..<4 {
                let response = try await stack.json("/api/prices?symbols=ETH&vs=btc")
                #expect(Self.meta(response.object)["source"] as? String == "binance")
                try await Task.sleep(for: .milliseconds(80))
            }
            let whileOpen = try await stack.hits("/coingecko/api/v3/simple/price")
            #expect(whileOpen == 2, "two failures open the breaker; later requests skip CoinGecko")
            let health = try await stack.get("/api/health")
            #expect(health.body.contains("circuit open"))

            try await stack.control(.DELETE, "faults")
            try await Task.sleep(for: .milliseconds(1_100))
            let recovered = try await stack.json("/api/prices?symbols=ETH&vs=btc")
            #expect(Self.meta(recovered.object)["source"] as? String == "coingecko")
            let quote = try #require(Self.data(recovered.object).first)
            #expect(quote["price"] as? String == "0.0357")
            let afterTrial = try await stack.hits("/coingecko/api/v3/simple/price")
            #expect(afterTrial == 3)
        }
    }

    @Test("100 concurrent identical requests make exactly one upstream call")
    func singleFlight() async throws {
        try await MarketStack.with(Self.chain) { stack in
            try await stack.control(.POST, "routes", Self.ethereumInBTC)
            try await stack.fault(#"{"path": "/coingecko/*", "fault": "latency", "latency_ms": 400}"#)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 { group.addTask { try await stack.get("/api/prices?symbols=ETH&vs=btc").status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 100)
            #expect(statuses.allSatisfy { $0 == 200 })
            let hits = try await stack.hits("/coingecko/api/v3/simple/price")
            #expect(hits == 1)
        }
    }

    @Test("when every provider fails: last-known data flagged stale, else a 503 naming each provider")
    func staleThenUnavailable() async throws {
        let env = Self.chain.merging(["MARKET_TTL_PRICES": "0.2", "PROVIDER_BREAKER_THRESHOLD": "50"]) { $1 }
        try await MarketStack.with(env) { stack in
            let fresh = try await stack.json("/api/prices?symbols=BTC")
            #expect(fresh.status == 200)
            try await stack.fault(#"{"path": "/coingecko/*", "fault": "status", "status": 500}"#)
            try await stack.fault(#"{"path": "/binance/*", "fault": "status", "status": 502}"#)
            try await Task.sleep(for: .milliseconds(300))
            let stale = try await stack.json("/api/prices?symbols=BTC")
            #expect(stale.status == 200)
            #expect(Self.meta(stale.object)["stale"] as? Bool == true)
            #expect(Self.meta(stale.object)["source"] as? String == "coingecko")
            #expect(Self.data(stale.object).first?["price"] as? String == "67187.3358936566")
            #expect(stale.headers.first(name: "cache-control") == "no-cache")

            let unavailable = try await stack.json("/api/prices?symbols=ETH")
            #expect(unavailable.status == 503)
            #expect(unavailable.object["type"] as? String == "upstream-unavailable")
            #expect(unavailable.headers.first(name: "retry-after") != nil)
            #expect(unavailable.headers.first(name: "content-type") == "application/problem+json")
            let providers = unavailable.object["providers"] as? [[String: Any]] ?? []
            #expect(providers.map { $0["name"] as? String } == ["coingecko", "binance"])
            #expect(providers.map { $0["error"] as? String } == ["http-status", "http-status"])
            #expect(providers.map { $0["status"] as? Int } == [500, 502])
        }
    }

    @Test("bad input becomes a clear problem, never a 500")
    func badInput() async throws {
        try await MarketStack.with(["MARKET_COLLECTOR_ENABLED": "true", "MARKET_WATCHLIST": "", "MARKET_CANDLE_MARKETS": ""]) { stack in
            // The collector loads /coins/list at start; wait for it.
            let loaded = await Eventually.wait(timeout: .seconds(10), interval: .milliseconds(100)) {
                (try? await stack.get("/api/prices?symbols=COIN").status) == 400
            }
            #expect(loaded)
            let ambiguous = try await stack.json("/api/prices?symbols=COIN")
            #expect(ambiguous.object["type"] as? String == "ambiguous-symbol")
            #expect((ambiguous.object["candidates"] as? [[String: Any]])?.count ?? 0 >= 2)

            let cases: [(String, Int, String)] = [
                ("/api/prices?symbols=NOSUCHCOINXYZ", 404, "unknown-asset"),
                ("/api/prices", 400, "invalid-parameter"),
                ("/api/prices?symbols=BTC&vs=doge", 400, "invalid-parameter"),
                ("/api/prices?symbols=" + (1...200).map { "S\($0)" }.joined(separator: ","), 400, "invalid-parameter"),
                ("/api/ohlcv?symbol=BTCUSDT&interval=2h", 400, "invalid-parameter"),
                ("/api/ohlcv?symbol=BTCUSDT&interval=1m&limit=0", 400, "invalid-parameter"),
                ("/api/ohlcv?symbol=BTCUSDT&interval=1m&limit=1001", 400, "invalid-parameter"),
                ("/api/ohlcv?symbol=BTCUSDT&interval=1m&start=1700000000", 400, "invalid-parameter"),
                ("/api/ohlcv?symbol=NOSUCHCOINXYZ&interval=1m", 404, "unknown-asset"),
                ("/api/market?limit=999", 400, "invalid-parameter"),
            ]
            for (path, status, type) in cases {
                let response = try await stack.json(path)
                #expect(response.status == status, "\(path)")
                #expect(response.object["type"] as? String == type, "\(path)")
            }
            let seconds = try await stack.json("/api/ohlcv?symbol=BTCUSDT&interval=1m&start=1700000000")
            #expect((seconds.object["detail"] as? String)?.contains("1700000000000") == true)
        }
    }

    @Test("OHLCV, market listing, global and trending answer from the real captures")
    func otherRoutes() async throws {
        try await MarketStack.with { stack in
            let ohlcv = try await stack.json("/api/ohlcv?symbol=BTCUSDT&interval=1m&limit=5")
            #expect(ohlcv.status == 200)
            let series = try #require(ohlcv.object["data"] as? [String: Any])
            let candles = series["candles"] as? [[String: Any]] ?? []
            #expect(candles.count == 5)
            #expect(candles.allSatisfy { $0["closed"] as? Bool == true })
            #expect(Self.meta(ohlcv.object)["source"] as? String == "binance")
            #expect(series["quote"] as? String == "usdt")

            let market = try await stack.json("/api/market?limit=10")
            #expect(market.status == 200)
            let rows = Self.data(market.object)
            #expect(rows.first?["id"] as? String == "bitcoin")
            #expect(Self.meta(market.object)["source"] as? String == "coingecko")

            let global = try await stack.json("/api/market/global")
            #expect(global.status == 200)
            #expect((global.object["data"] as? [String: Any])?["total_market_cap"] != nil)

            let trending = try await stack.json("/api/trending")
            #expect(trending.status == 200)
            #expect(Self.data(trending.object).count == 7)
        }
    }
}
