import Contracts
import CryptoModels
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RPC
import ServiceKit
import Testing
import TestSupport
@testable import Gateway

/// The news routes in-process, against stand-ins of store-svc and news-sentiment-svc served over real RPC sockets.
@Suite("news routes", .timeLimit(.minutes(1)))
struct NewsRoutesTests {
    /// 2026-11-21 12:00:00 UTC.
    static let now: EpochMillis = 1_795_262_400_000

    static let item = NewsItem(id: "abc", guid: "g1", url: "https://example.org/a", title: "Bitcoin rallies", summary: nil,
                               source: "CoinDesk", publishedAt: now - 60_000, assets: ["BTC"])

    static func storeRouter(calls: RPCCallLog) -> RPCRouter {
        var router = RPCRouter()
        router.register(Contracts.Store.NewsPageQuery.self) { params, _ in
            calls.record("page \(params.page) \(params.pageSize) \(params.source ?? "-") \(params.asset ?? "-") \(params.sentiment ?? "-")")
            return NewsPage(items: [item], total: 41, page: params.page, pageSize: params.pageSize)
        }
        router.register(Contracts.Store.FearGreedHistory.self) { params, _ in
            calls.record("fng \(params.to - params.from)")
            return .init(entries: [FearGreedEntry(value: 71, classification: "Greed", ts: now - 4 * 86_400_000),
                                   FearGreedEntry(value: 69, classification: "Greed", ts: now - 3 * 86_400_000)])
        }
        return router
    }

    static func newsRouter(calls: RPCCallLog) -> RPCRouter {
        var router = RPCRouter()
        router.register(News.SentimentSummary.self) { params, _ in
            calls.record("summary \(params.maxAssets ?? 0)")
            let tally = SentimentTally(count: 1, mean: 0.7, labels: ["positive": 1])
            return NewsSentimentSummary(
                windows: [SentimentWindow(window: "1h", from: now - 3_600_000, to: now, overall: tally, unscored: 2,
                                          assets: [AssetSentiment(symbol: "BTC", sentiment: tally)])],
                fearGreed: nil, computedAt: now, truncated: false)
        }
        return router
    }

    static func withApp(_ body: @Sendable (any TestClientProtocol, RPCCallLog) async throws -> Void) async throws {
        let calls = RPCCallLog()
        try await RPCTestServer.with(router: storeRouter(calls: calls)) { _, store, _ in
            try await RPCTestServer.with(router: newsRouter(calls: calls)) { _, news, _ in
                let backends = try Backends(settings: Settings(environment: ["STORE_RPC_ADDRESS": "\(store)",
                                                                             "NEWS_SENTIMENT_RPC_ADDRESS": "\(news)"]))
                defer { backends.close() }
                let router = Router(context: GatewayContext.self)
                router.add(middleware: EdgeMiddleware(logger: Logger(label: "test"), accessLog: false))
                NewsRoutes(backends: backends, now: { now }).addRoutes(to: router)
                try await Application(router: router).test(.router) { client in try await body(client, calls) }
            }
        }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test("/api/news passes the filters to the store and answers items with ts, time, null sentiment and paging meta")
    func news() async throws {
        try await Self.withApp { client, calls in
            try await client.execute(uri: "/api/news?page=2&page_size=10&source=CoinDesk&asset=btc&sentiment=positive", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response)
                let first = try #require((body["data"] as? [[String: Any]])?.first)
                #expect(first["ts"] as? Int64 == Self.now - 60_000)
                #expect(first["time"] as? String == "2026-11-21T11:59:00.000Z")
                #expect(first["sentiment"] is NSNull)
                #expect(first["assets"] as? [String] == ["BTC"])
                let meta = try #require(body["meta"] as? [String: Any])
                #expect(meta["total"] as? Int == 41)
                #expect(meta["pages"] as? Int == 5)
                #expect(meta["page"] as? Int == 2)
            }
            #expect(calls.entries == ["page 2 10 CoinDesk BTC positive"])
        }
    }

    @Test("/api/sentiment relays the summary; /api/sentiment/fear-greed reads `days` back and flags an old latest value stale")
    func sentimentAndFearGreed() async throws {
        try await Self.withApp { client, calls in
            try await client.execute(uri: "/api/sentiment?max_assets=5", method: .get) { response in
                let data = try #require(try Self.json(response)["data"] as? [String: Any])
                #expect(data["fear_greed"] is NSNull)
                let window = try #require((data["windows"] as? [[String: Any]])?.first)
                #expect((window["overall"] as? [String: Any])?["mean"] as? Double == 0.7)
                #expect(window["unscored"] as? Int == 2)
            }
            try await client.execute(uri: "/api/sentiment/fear-greed?days=7", method: .get) { response in
                let body = try Self.json(response)
                let data = try #require(body["data"] as? [String: Any])
                #expect((data["entries"] as? [[String: Any]])?.compactMap { $0["value"] as? Int } == [71, 69])
                #expect((data["latest"] as? [String: Any])?["stale"] as? Bool == true)
                #expect((body["meta"] as? [String: Any])?["source"] as? String == "alternative.me")
            }
            #expect(calls.entries == ["summary 5", "fng \(7 * 86_400_000)"])
        }
    }

    @Test("bad parameters are invalid-parameter problems and never reach a backend",
          arguments: ["/api/news?page=0", "/api/news?page=10001", "/api/news?page_size=0", "/api/news?page_size=101",
                      "/api/news?page=1.5", "/api/news?sentiment=bullish", "/api/news?asset=%24%24", "/api/news?source=\(String(repeating: "x", count: 65))",
                      "/api/sentiment?max_assets=101", "/api/sentiment/fear-greed?days=0", "/api/sentiment/fear-greed?days=3651",
                      "/api/sentiment/fear-greed?days=-1"])
    func problems(path: String) async throws {
        try await Self.withApp { client, calls in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try Self.json(response)
                #expect(body["type"] as? String == "invalid-parameter")
            }
            #expect(calls.entries.isEmpty)
        }
    }
}
