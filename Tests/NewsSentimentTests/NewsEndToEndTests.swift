import Contracts
import CryptoModels
import Foundation
import RPC
import Testing
import TestSupport

/// The news pipeline through the real executables: replay-upstream serving the RSS and alternative.me captures plus
/// a written aggregator feed and three broken feeds, store-svc on a real SQLite file, news-sentiment-svc (killed with
/// SIGKILL in the middle of ingestion and restarted, first without a model, then with the tiny fixture model) and the
/// gateway.
@Suite("News end to end", .timeLimit(.minutes(3)))
struct NewsEndToEndTests {
    @Test("ingest, dedup, survive a crash mid-ingestion, score, aggregate, report failing feeds, refuse bad input")
    func pipeline() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let stack = try await NewsStack(environment: { r in [
            "NEWS_FEEDS": "CoinDesk=\(r)/rss/coindesk.xml,Cointelegraph=\(r)/rss/cointelegraph.xml,Aggregator=\(r)/feeds/aggregator.xml,"
                + "garbage=\(r)/feeds/garbage.xml,big=\(r)/feeds/big.xml,hang=\(r)/feeds/hang.xml",
            "NEWS_POLL_INTERVAL": "1", "NEWS_FEED_TIMEOUT": "6", "NEWS_FEED_HEALTH_STRICT": "true", "NEWS_SCORE_INTERVAL": "0.3",
            "ALTERNATIVE_ME_BASE_URL": "\(r)/alternative_me", "FEAR_GREED_BACKFILL_DAYS": "2", "FEAR_GREED_POLL_INTERVAL": "2",
            "SENTIMENT_MODEL_DIR": "/nonexistent/financial", "CRYPTO_SENTIMENT_MODEL_DIR": "/nonexistent/crypto",
        ] }, prepare: { control in
            let feed = NewsFixtures.repostFeed(now: now)
            let escaped = String(data: try JSONSerialization.data(withJSONObject: [feed]), encoding: .utf8)!.dropFirst().dropLast()
            try await control.post("routes", #"{"path": "/feeds/aggregator.xml", "body": \#(escaped), "etag": "auto", "headers": {"content-type": "application/rss+xml"}}"#)
            try await control.post("routes", #"{"path": "/feeds/garbage.xml", "file": "feeds/garbage_html.html"}"#)
            try await control.post("routes", #"{"path": "/feeds/big.xml", "file": "rss/coindesk.xml"}"#)
            try await control.post("faults", #"{"path": "/feeds/big.xml", "fault": "oversize", "size_bytes": 10485760}"#)
            try await control.post("faults", #"{"path": "/feeds/hang.xml", "fault": "hang"}"#)
            // CoinDesk lands first, the aggregator 1.5 s later, Cointelegraph only after 4.5 s (feed timeout 6 s).
            try await control.post("faults", #"{"path": "/feeds/aggregator.xml", "fault": "latency", "latency_ms": 1500, "times": 1}"#)
            try await control.post("faults", #"{"path": "/rss/cointelegraph.xml", "fault": "latency", "latency_ms": 4500, "times": 1}"#)
        })
        do {
            try await run(stack, now: now)
        } catch {
            Issue.record("\(error)\n\(stack.logs())")
        }
        await stack.stop()
    }

    func total(_ stack: NewsStack, _ query: String = "") async -> Int {
        ((try? await stack.json("/api/news?page_size=100\(query)"))?.object["meta"] as? [String: Any])?["total"] as? Int ?? -1
    }

    func run(_ stack: NewsStack, now: Int64) async throws {
        // 1. Kill news-sentiment-svc once CoinDesk (4) and the aggregator (3 more) are stored, Cointelegraph (2 more) not yet.
        let midway = await Eventually.wait(timeout: .seconds(30), interval: .milliseconds(20)) { await total(stack) >= 7 }
        #expect(midway, "\(stack.logs())")
        let atKill = await total(stack)
        try await stack.restartNews(["SENTIMENT_MODEL_DIR": TinyModels.bert])
        #expect(atKill == 7, "the kill did not land mid-ingestion (\(atKill) items stored)")
        #expect(await total(stack, "&source=CoinDesk") == 4)

        // 2. After the restart: every story once, each scored by the model.
        var items: [[String: Any]] = []
        let complete = await Eventually.wait(timeout: .seconds(40), interval: .milliseconds(200)) {
            items = ((try? await stack.json("/api/news?page_size=100"))?.object["data"] as? [[String: Any]]) ?? []
            return items.count == 9 && items.allSatisfy { $0["sentiment"] is [String: Any] }
        }
        #expect(complete, "items: \(items.map { ($0["title"] ?? "", $0["sentiment"] ?? "nil") })")
        let urls = items.compactMap { $0["url"] as? String }
        #expect(Set(urls).count == 9)
        #expect(urls.filter { $0 == NewsFixtures.coindeskFirst }.count == 1)
        #expect(urls.filter { $0 == NewsFixtures.cointelegraphFirst }.count == 1)
        #expect(items.allSatisfy { ($0["sentiment"] as? [String: Any])?["model"] as? String == "tiny-bert" })
        #expect(await total(stack, "&source=CoinDesk") == 4)
        #expect(await total(stack, "&source=Aggregator") == 3)  // its own two and Cointelegraph's story it had first
        #expect(await total(stack, "&source=Cointelegraph") == 2)
        let labelled = [await total(stack, "&sentiment=positive"), await total(stack, "&sentiment=negative"),
                        await total(stack, "&sentiment=neutral")]
        #expect(labelled.reduce(0, +) == 9)
        let btc = try await stack.json("/api/news?asset=btc")
        #expect((btc.object["data"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["Bitcoin rallies as ETF inflows jump to a record"])
        let paged = try await stack.json("/api/news?page=2&page_size=4")
        #expect((paged.object["data"] as? [[String: Any]])?.count == 4)
        #expect((paged.object["meta"] as? [String: Any])?["pages"] as? Int == 3)

        // 3. Conditional GET after the restart: the unchanged capture is answered 304.
        let notModified = await Eventually.wait(timeout: .seconds(10), interval: .milliseconds(200)) {
            (try? await stack.statuses("/rss/coindesk.xml"))?.contains(304) == true
        }
        #expect(notModified)

        // 4. The broken feeds are failing in /api/health (the hanging one after its 6 s timeout); the others are fine.
        var checks: [String: [String: Any]] = [:]
        let failing = await Eventually.wait(timeout: .seconds(15), interval: .milliseconds(250)) {
            let health = try? await stack.json("/api/health")
            let services = (health?.object["services"] as? [[String: Any]]) ?? []
            let news = services.first { $0["name"] as? String == "news-sentiment-svc" }
            checks = Dictionary(uniqueKeysWithValues: ((news?["checks"] as? [[String: Any]]) ?? []).compactMap { check in
                (check["name"] as? String).map { ($0, check) }
            })
            return ["feed:garbage", "feed:big", "feed:hang"].allSatisfy { checks[$0]?["status"] as? String == "degraded" }
        }
        #expect(failing)
        for name in ["feed:garbage", "feed:big", "feed:hang"] {
            #expect(checks[name]?["status"] as? String == "degraded", "\(name): \(String(describing: checks[name]))")
            #expect((checks[name]?["detail"] as? String)?.hasPrefix("failing: ") == true)
        }
        #expect((checks["feed:big"]?["detail"] as? String)?.contains("body larger than 5242880 bytes") == true,
                "\(String(describing: checks["feed:big"]))")
        #expect((checks["feed:garbage"]?["detail"] as? String)?.contains("DOCTYPE") == true)
        #expect((checks["feed:hang"]?["detail"] as? String)?.hasPrefix("failing: timeout") == true)
        for name in ["feed:CoinDesk", "feed:Cointelegraph", "feed:Aggregator", "model:financial"] {
            #expect(checks[name]?["status"] as? String == "healthy", "\(name): \(String(describing: checks[name]))")
        }

        // 5. Aggregates: the aggregator's fresh stories (10 min and 2 h old) fall in the windows; Fear & Greed stored.
        let summary = try await stack.json("/api/sentiment")
        #expect(summary.status == 200)
        let data = try #require(summary.object["data"] as? [String: Any])
        let windows = try #require(data["windows"] as? [[String: Any]])
        #expect(windows.compactMap { $0["window"] as? String } == ["1h", "24h", "7d"])
        #expect(windows.compactMap { ($0["overall"] as? [String: Any])?["count"] as? Int } == [1, 2, 2])
        #expect(windows.compactMap { $0["unscored"] as? Int } == [0, 0, 0])
        let rally = try #require(items.first { ($0["title"] as? String)?.hasPrefix("Bitcoin rallies") == true })
        let p = try #require((rally["sentiment"] as? [String: Any])?["probabilities"] as? [String: Double])
        let expectedMean = (((p["positive"] ?? 0) - (p["negative"] ?? 0)) * 10_000).rounded() / 10_000
        #expect((windows[0]["overall"] as? [String: Any])?["mean"] as? Double == expectedMean)
        #expect((windows[0]["assets"] as? [[String: Any]])?.compactMap { $0["symbol"] as? String } == ["BTC"])
        #expect((windows[1]["assets"] as? [[String: Any]])?.compactMap { $0["symbol"] as? String } == ["BTC", "ETH"])
        let fearGreed = try #require(data["fear_greed"] as? [String: Any])
        #expect(fearGreed["value"] as? Int == 69)
        #expect(fearGreed["classification"] as? String == "Greed")
        #expect(fearGreed["ts"] as? Int == 1_788_825_600_000)
        let history = try await stack.json("/api/sentiment/fear-greed?days=120")
        let entries = ((history.object["data"] as? [String: Any])?["entries"] as? [[String: Any]]) ?? []
        #expect(entries.compactMap { $0["value"] as? Int } == [71, 69])
        #expect((history.object["meta"] as? [String: Any])?["stale"] as? Bool == true)  // the capture is from September

        // 6. Bad input → problem+json invalid-parameter.
        for path in ["/api/news?page=0", "/api/news?page_size=101", "/api/news?page=abc", "/api/news?sentiment=happy",
                     "/api/news?asset=B%24C", "/api/sentiment/fear-greed?days=0", "/api/sentiment/fear-greed?days=3651",
                     "/api/sentiment/fear-greed?days=x", "/api/sentiment?max_assets=0"] {
            let answer = try await stack.json(path)
            #expect(answer.status == 400, "\(path)")
            #expect(answer.contentType.hasPrefix("application/problem+json"), "\(path)")
            #expect(answer.object["type"] as? String == "invalid-parameter", "\(path): \(answer.object)")
        }
        try await notifications(stack, now: now)

        let openAPI = try await stack.json("/openapi.json")
        let paths = (openAPI.object["paths"] as? [String: Any]) ?? [:]
        #expect(paths["/api/news"] != nil && paths["/api/sentiment"] != nil && paths["/api/sentiment/fear-greed"] != nil)
    }

    /// 7. A story added to a feed is published as `news.item`, then scored and published as `sentiment.update`.
    func notifications(_ stack: NewsStack, now: Int64) async throws {
        let client = RPCClient.patient(.unix(path: stack.directory.file("run/news-sentiment.sock")))
        defer { client.close() }
        let title = "Solana validators ship a faster client"
        let (item, update) = try await withThrowingTaskGroup(of: (NewsItem?, LiveTopics.SentimentUpdateTopic.Payload?).self) { group in
            let (connected, signal) = AsyncStream.makeStream(of: Void.self)
            group.addTask {
                var item: NewsItem?
                for await event in client.subscribe(topics: ["news.item", "sentiment.update"]) {
                    switch event {
                    case .connected: signal.yield()
                    case .disconnected: continue
                    case .notification(let note):
                        if let payload = try? note.decode(topic: LiveTopics.NewsItemTopic.self), payload.item.title == title {
                            item = payload.item
                        }
                        if let payload = try? note.decode(topic: LiveTopics.SentimentUpdateTopic.self), payload.itemID == item?.id {
                            return (item, payload)
                        }
                    }
                }
                return (item, nil)
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                return (nil, nil)
            }
            for await _ in connected { break }
            let extra = "<item><title>\(title)</title><link>https://news.example.org/solana-client</link>"
                + "<guid isPermaLink=\"false\">agg-5</guid><pubDate>\(NewsFixtures.rfc822(now - 60_000))</pubDate></item></channel>"
            let feed = NewsFixtures.repostFeed(now: now).replacingOccurrences(of: "</channel>", with: extra)
            let escaped = String(data: try JSONSerialization.data(withJSONObject: [feed]), encoding: .utf8)!.dropFirst().dropLast()
            try await NewsStack.Control(http: stack.http, base: "http://127.0.0.1:\(stack.replayPort)").post("routes",
                #"{"path": "/feeds/aggregator.xml", "body": \#(escaped), "etag": "auto", "headers": {"content-type": "application/rss+xml"}}"#)
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        let published = try #require(item)
        #expect(published.source == "Aggregator")
        #expect(published.assets == ["SOL"])
        #expect(published.sentiment == nil)
        let scored = try #require(update)
        #expect(scored.assets == ["SOL"])
        #expect(scored.score.model == "tiny-bert")
        #expect(scored.count1h == 2)  // with "Bitcoin rallies …" (10 min old)
        #expect(scored.mean1h != nil)
    }
}
