import Contracts
import CryptoModels
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RPC
import ServiceKit
import Synchronization
import Testing
import TestSupport
@testable import Gateway

/// The history routes in-process, against a stand-in store-svc served over a real RPC socket.
@Suite("history routes", .timeLimit(.minutes(1)))
struct HistoryRoutesTests {
    /// 2026-11-21 12:00:00 UTC.
    static let now: EpochMillis = 1_795_262_400_000

    /// A store stand-in: ZZT has two prices and one candle; anything else is `unknown-asset`.
    static func storeRouter(calls: RPCCallLog) -> RPCRouter {
        var router = RPCRouter()
        router.register(Contracts.Store.PriceHistory.self) { params, _ in
            calls.record("\(params.symbol) \(params.vs) \(params.to - params.from) \(params.maxPoints)")
            guard params.symbol == "ZZT" else {
                throw RPCError.problem("unknown-asset", status: 404, title: "Unknown asset", detail: "no history for \(params.symbol)")
            }
            return .init(symbol: "ZZT", vs: params.vs, points: [PricePoint(ts: now - 60_000, price: Amount(parsing: "65432.123456789012")!),
                                                                PricePoint(ts: now, price: Amount(parsing: "65433")!)])
        }
        router.register(Contracts.Store.CandleRange.self) { params, _ in
            calls.record("\(params.symbol) \(params.interval.rawValue) \(params.to - params.from)")
            return CandleSeries(symbol: params.symbol, interval: params.interval, candles: [
                Candle(openTime: 1_795_219_200_000, open: Amount(parsing: "1.5")!, high: Amount(parsing: "2")!, low: Amount(parsing: "1")!,
                       close: Amount(parsing: "1.75")!, volume: nil, closed: false)])
        }
        return router
    }

    static func withApp(_ body: @Sendable (any TestClientProtocol, RPCCallLog) async throws -> Void) async throws {
        let calls = RPCCallLog()
        try await RPCTestServer.with(router: storeRouter(calls: calls)) { _, address, _ in
            let backends = try Backends(settings: Settings(environment: ["STORE_RPC_ADDRESS": "\(address)"]))
            defer { backends.close() }
            let router = Router(context: GatewayContext.self)
            router.add(middleware: EdgeMiddleware(logger: Logger(label: "test"), accessLog: false))
            HistoryRoutes(backends: backends, now: { now }).addRoutes(to: router)
            try await Application(router: router).test(.router) { client in try await body(client, calls) }
        }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test("a price history is an envelope with decimal strings, ts and ISO time, and meta from the store")
    func priceHistory() async throws {
        try await Self.withApp { client, calls in
            try await client.execute(uri: "/api/prices/history/zzt?days=7&points=20&vs=EUR", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response)
                let data = try #require(body["data"] as? [String: Any])
                let points = try #require(data["points"] as? [[String: Any]])
                #expect(points.first?["price"] as? String == "65432.123456789012")
                #expect(points.last?["ts"] as? Int64 == Self.now)
                #expect(points.last?["time"] as? String == "2026-11-21T12:00:00.000Z")
                let meta = try #require(body["meta"] as? [String: Any])
                #expect(meta["source"] as? String == "store")
                #expect(meta["as_of"] as? Int64 == Self.now)
                #expect(meta["count"] as? Int == 2)
                #expect(meta["stale"] as? Bool == false)
            }
            #expect(calls.entries == ["ZZT eur \(7 * 86_400_000) 20"])
            try await client.execute(uri: "/api/ohlcv/history/zztusdt?interval=1h&days=2", method: .get) { response in
                let candles = try #require((try Self.json(response)["data"] as? [String: Any])?["candles"] as? [[String: Any]])
                #expect(candles.first?["close"] as? String == "1.75")
                #expect(candles.first?["closed"] as? Bool == false)
                #expect(candles.first?["time"] as? String == "2026-11-21T00:00:00.000Z")
            }
            #expect(calls.entries.last == "ZZTUSDT 1h \(2 * 86_400_000)")
        }
    }

    @Test("bad input is invalid-parameter, an unknown asset passes through as 404, nothing reaches the store for bad input",
          arguments: [
              ("/api/prices/history/ZZT?days=0", 400, "invalid-parameter"),
              ("/api/prices/history/ZZT?days=3651", 400, "invalid-parameter"),
              ("/api/prices/history/ZZT?days=-5", 400, "invalid-parameter"),
              ("/api/prices/history/ZZT?points=0", 400, "invalid-parameter"),
              ("/api/prices/history/ZZT?vs=e1", 400, "invalid-parameter"),
              ("/api/prices/history/\(String(repeating: "A", count: 33))", 400, "invalid-parameter"),
              ("/api/ohlcv/history/ZZT?interval=2h", 400, "invalid-parameter"),
              ("/api/ohlcv/history/ZZT?interval=1m&days=70", 400, "invalid-parameter"),
              ("/api/market/history?limit=5", 400, "invalid-parameter"),
              ("/api/defi/history/bad%20slug", 400, "invalid-parameter"),
              ("/api/prices/history/NOPE", 404, "unknown-asset"),
          ])
    func problems(path: String, status: Int, type: String) async throws {
        try await Self.withApp { client, calls in
            try await client.execute(uri: path, method: .get) { response in
                #expect(Int(response.status.code) == status)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try Self.json(response)
                #expect(body["type"] as? String == type)
            }
            if status == 400 { #expect(calls.entries.isEmpty) }
        }
    }
}

/// What the stand-in store was asked.
final class RPCCallLog: Sendable {
    private let lines = Mutex<[String]>([])
    func record(_ line: String) { lines.withLock { $0.append(line) } }
    var entries: [String] { lines.withLock { $0 } }
}
