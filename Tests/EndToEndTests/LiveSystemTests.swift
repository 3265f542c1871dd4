import Foundation
import Testing
import TestSupport

/// `/ws` on the whole system under supervisord, market-svc's collector polling the replay upstream.
@Suite("live streams on the supervised system", .serialized, .timeLimit(.minutes(3)))
struct LiveSystemTests {
    /// Starts the replay upstream, then the system pointed at it with a fast collector.
    static func withSystem(_ body: (SystemHarness) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "livesys")
        defer { directory.remove() }
        let log = directory.file("replay.log")
        let (replay, port) = try await ReplayUpstreamProcess.start(fixtures: MarketStack.fixtures, logPath: log)
        let r = "http://127.0.0.1:\(port)"
        let environment = [
            "COINGECKO_BASE_URL": "\(r)/coingecko/api/v3", "BINANCE_BASE_URL": "\(r)/binance", "KRAKEN_BASE_URL": "\(r)/kraken",
            "COINCAP_BASE_URL": "\(r)/coincap/v3", "CRYPTOCOMPARE_BASE_URL": "\(r)/cryptocompare",
            "DEFILLAMA_BASE_URL": "\(r)/defillama", "ALTERNATIVE_ME_BASE_URL": "\(r)/alternative_me",
            "MARKET_COLLECTOR_ENABLED": "true", "MARKET_WATCHLIST": "BTC", "MARKET_COLLECT_INTERVAL": "0.3",
            "MARKET_CANDLE_MARKETS": "BTCUSDT", "MARKET_CANDLE_POLL_INTERVAL": "0.3", "MARKET_HISTORY": "off",
            "PROVIDER_TIMEOUT": "0.8", "PROVIDER_RETRY_ATTEMPTS": "1", "WS_HEALTH_INTERVAL": "0.5",
            "WS_MAX_SUBSCRIPTIONS_ANONYMOUS": "3",
        ]
        do {
            try await SystemHarness.with(environment: environment) { system in
                let healthy = await system.waitUntilHealthy()
                #expect(healthy, "system not healthy:\n\(system.supervisor.output().suffix(3_000))")
                try await body(system)
            }
        } catch {
            await replay.stop()
            throw error
        }
        await replay.stop()
    }

    /// Subscribes to four notification channels; true when acknowledged, false when refused by the limit.
    static func subscribeFour(_ client: LiveClient) async -> Bool? {
        client.send(["op": "subscribe", "id": 9, "channels": ["news", "defi", "sentiment", "health"]])
        guard let answer = await client.until(timeout: .seconds(5), { $0.id == 9 }).flatMap(\.last) else { return nil }
        if answer.type == "ack" { return answer.channels.count == 4 }
        return answer.problemType == "subscription-limit" ? false : nil
    }

    /// The API key on the handshake, and a ticket issued to that key, get the key's (admin) tier; anonymous gets 3.
    static func keyTiers(_ system: SystemHarness) async throws {
        let url = "ws://127.0.0.1:\(system.port)/ws"
        let anonymous = try await LiveClient.with(url) { await subscribeFour($0) }
        #expect(anonymous == false, "anonymous subscribed beyond its limit")
        let keyed = try await LiveClient.with(url, headers: ["X-API-Key": SystemHarness.adminKey]) { await subscribeFour($0) }
        #expect(keyed == true, "the admin key did not get its tier")
        let issued = try await system.request("/api/ws/ticket", method: .POST)
        #expect(issued.status == 201)
        let object = try JSONSerialization.jsonObject(with: Data(issued.body.utf8)) as? [String: Any]
        let ticket = try #require((object?["data"] as? [String: Any])?["ticket"] as? String)
        let ticketed = try await LiveClient.with(url + "?ticket=\(ticket)") { await subscribeFour($0) }
        #expect(ticketed == true, "the ticket did not carry the key's tier")
    }

    @Test("real prices and candles stream; kill -9 market-svc: status to subscribers, then updates resume on the same connection; API keys and tickets carry the key's tier")
    func killMarket() async throws {
        try await Self.withSystem { system in
            try await LiveClient.with("ws://127.0.0.1:\(system.port)/ws") { client in
                client.send(["op": "subscribe", "id": 1, "channels": ["prices:BTC", "ohlcv:BTCUSDT:1m", "health"]])
                let opened = try #require(await client.until { $0.type == "ack" })
                let prices = try #require(opened.first { $0.type == "snapshot" && $0.channel == "prices:BTC" })
                #expect((prices.data?["quote"] as? [String: Any])?["price"] as? String == "67187.3358936566")
                let candles = try #require(opened.first { $0.type == "snapshot" && $0.channel == "ohlcv:BTCUSDT:1m" })
                #expect(((candles.data?["candles"] as? [Any])?.count ?? 0) > 0)
                let health = try #require(opened.first { $0.channel == "health" })
                // The last probe (every 0.5 s) may predate the system turning healthy, so only its shape is fixed.
                let names = (health.data?["services"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                #expect(Set(names) == ["gateway", "store-svc", "market-svc", "defi-svc", "news-sentiment-svc", "monitor-svc"])

                // Updates flow with increasing seq on each channel.
                var lastSeq: [String: Int] = [:]
                var ordered = true
                let flowDeadline = ContinuousClock.now + .seconds(10)
                while ContinuousClock.now < flowDeadline, (lastSeq["prices:BTC"] ?? 0) < 2 || lastSeq["ohlcv:BTCUSDT:1m"] == nil {
                    guard let message = await client.message(timeout: .seconds(5)) else { break }
                    guard message.type == "update", let channel = message.channel, let seq = message.seq else { continue }
                    if seq <= lastSeq[channel] ?? -1 { ordered = false }
                    lastSeq[channel] = seq
                }
                #expect(ordered, "seq not increasing")
                #expect((lastSeq["prices:BTC"] ?? 0) >= 2 && lastSeq["ohlcv:BTCUSDT:1m"] != nil, "updates did not flow: \(lastSeq)")

                let pid = try #require(await system.health()?.service("market-svc")?.pid)
                kill(pid, SIGKILL)
                let down = try #require(await client.until(timeout: .seconds(10)) {
                    $0.type == "status" && $0.channel == "prices:BTC" && $0.object["status"] as? String == "upstream-unavailable"
                }, "no status after kill -9")
                #expect(down.last?.object["service"] as? String == "market-svc")
                let back = try #require(await client.until(timeout: .seconds(15)) {
                    $0.type == "status" && $0.channel == "prices:BTC" && $0.object["status"] as? String == "live"
                }, "no live status after restart")
                let before = lastSeq["prices:BTC"] ?? 0
                let resumed = await client.until(timeout: .seconds(15)) {
                    $0.type == "update" && $0.channel == "prices:BTC" && ($0.seq ?? 0) > before
                }
                #expect(resumed != nil, "prices did not resume after market-svc restarted")
                // The health channel reports the outage only if a probe (every 0.5 s) falls inside it; supervisord
                // often restarts market-svc faster, so it is not asserted here.
            }
            try await Self.keyTiers(system)
        }
    }
}
