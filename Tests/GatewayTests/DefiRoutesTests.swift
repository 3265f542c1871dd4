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

/// The DeFi routes in-process, against stand-in defi-svc and store-svc served over real RPC sockets.
/// 2026-11-21 12:00:00 UTC.
private let now: EpochMillis = 1_795_262_400_000
/// Milliseconds in a day.
private let day: EpochMillis = 86_400_000
/// 2026-11-21 00:00:00 UTC.
private let today: EpochMillis = now / day * day
/// An exact amount from a test constant.
private func amount(_ text: String) -> Amount { Amount(parsing: text)! }

@Suite("defi routes", .timeLimit(.minutes(1)))
struct DefiRoutesTests {
    /// defi-svc failing with DefiLlama's 503 for the chart (naming the resolved chain), or answering two days.
    static func defiRouter(calls: RPCCallLog, failing: Bool) -> RPCRouter {
        var router = RPCRouter()
        router.register(Defi.TvlChart.self) { params, _ in
            calls.record("defi.tvl_chart \(params.chain ?? "-") \(params.days)")
            if failing {
                throw RPCError.problem("upstream-unavailable", status: 503, title: "Upstream unavailable", detail: "defillama (http-status)",
                                       extensions: ["providers": [["name": "defillama", "error": "http-status"]], "retry_after_s": 30,
                                                    "chain": "Terra"])
            }
            return .init(chain: params.chain == nil ? nil : "Terra",
                         points: [TvlPoint(ts: today - 2 * day, tvl: amount("1.5")), TvlPoint(ts: today - day, tvl: amount("2.25"))],
                         meta: DataMeta(source: "defillama", asOf: today - day, fetchedAt: now - 1_000, ageS: 1), freshForS: 3_599)
        }
        return router
    }

    /// store-svc with Terra snapshot totals for yesterday (overlapping DefiLlama) and today.
    static func storeRouter(calls: RPCCallLog, empty: Bool = false) -> RPCRouter {
        var router = RPCRouter()
        router.register(Contracts.Store.TvlByDay.self) { params, _ in
            calls.record("store.tvl_by_day \(params.chain ?? "-") \(params.to - params.from)")
            return .init(points: empty ? [] : [TvlPoint(ts: today - day, tvl: amount("9")), TvlPoint(ts: today, tvl: amount("10.125"))])
        }
        return router
    }

    static func withApp(failing: Bool = false, storeEmpty: Bool = false,
                        _ body: @Sendable (any TestClientProtocol, RPCCallLog) async throws -> Void) async throws {
        let calls = RPCCallLog()
        try await RPCTestServer.with(router: defiRouter(calls: calls, failing: failing)) { _, defi, _ in
            try await RPCTestServer.with(router: storeRouter(calls: calls, empty: storeEmpty)) { _, store, _ in
                let backends = try Backends(settings: Settings(environment: ["DEFI_RPC_ADDRESS": "\(defi)", "STORE_RPC_ADDRESS": "\(store)"]))
                defer { backends.close() }
                let router = Router(context: GatewayContext.self)
                router.add(middleware: EdgeMiddleware(logger: Logger(label: "test"), accessLog: false))
                DefiRoutes(backends: backends, now: { now }).addRoutes(to: router)
                try await Application(router: router).test(.router) { client in try await body(client, calls) }
            }
        }
    }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]) ?? [:]
    }

    @Test("merge: one point per UTC day, DefiLlama's value wins a shared day, stored totals fill the others")
    func merge() {
        let points = TvlChartMerge.merge(
            upstream: [TvlPoint(ts: today - 3 * day, tvl: amount("7")), TvlPoint(ts: today - day, tvl: amount("2.25"))],
            stored: [TvlPoint(ts: today - day + 3_600_000, tvl: amount("9")), TvlPoint(ts: today, tvl: amount("10.125"))],
            from: today - 2 * day, to: now)
        #expect(points == [
            .init(ts: today - day, time: "2026-11-20T00:00:00.000Z", tvl: amount("2.25"), source: "defillama"),
            .init(ts: today, time: "2026-11-21T00:00:00.000Z", tvl: amount("10.125"), source: "store"),
        ])
    }

    @Test("the chart merges defi-svc's days with the store's today and names both sources")
    func chart() async throws {
        try await Self.withApp { client, calls in
            try await client.execute(uri: "/api/defi/tvl-chart?days=3", method: .get) { response in
                #expect(response.status == .ok)
                let body = Self.json(response.body)
                let points = (body["data"] as? [String: Any])?["points"] as? [[String: Any]] ?? []
                #expect(points.map { $0["tvl"] as? String } == ["1.5", "2.25", "10.125"])
                #expect(points.map { $0["source"] as? String } == ["defillama", "defillama", "store"])
                #expect((body["meta"] as? [String: Any])?["source"] as? String == "defillama+store")
                #expect(response.headers[.cacheControl] == "public, max-age=3599")
            }
            #expect(calls.entries == ["defi.tvl_chart - 3", "store.tvl_by_day - \(now - (today - 2 * day))"])
        }
    }

    @Test("DefiLlama down and nothing cached: stored totals of the resolved chain are served stale; with none, the 503 passes on")
    func fallback() async throws {
        try await Self.withApp(failing: true) { client, calls in
            try await client.execute(uri: "/api/defi/tvl-chart?days=2&chain=terra", method: .get) { response in
                #expect(response.status == .ok)
                let body = Self.json(response.body)
                let meta = body["meta"] as? [String: Any] ?? [:]
                #expect(meta["stale"] as? Bool == true && meta["source"] as? String == "store")
                #expect((body["data"] as? [String: Any])?["chain"] as? String == "Terra")
                let points = (body["data"] as? [String: Any])?["points"] as? [[String: Any]] ?? []
                #expect(points.map { $0["tvl"] as? String } == ["9", "10.125"])
                #expect(response.headers[.cacheControl] == "no-cache")
            }
            #expect(calls.entries.last == "store.tvl_by_day Terra \(now - (today - day))")
        }
        try await Self.withApp(failing: true, storeEmpty: true) { client, _ in
            try await client.execute(uri: "/api/defi/tvl-chart?chain=terra", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "30")
                #expect(Self.json(response.body)["type"] as? String == "upstream-unavailable")
            }
        }
    }

    @Test("store-svc unreachable: the chart is DefiLlama's alone, saying the store was not available")
    func storeDown() async throws {
        let calls = RPCCallLog()
        let directory = try TemporaryDirectory(prefix: "defi-gw")
        defer { directory.remove() }
        try await RPCTestServer.with(router: Self.defiRouter(calls: calls, failing: false)) { _, defi, _ in
            let backends = try Backends(settings: Settings(environment: ["DEFI_RPC_ADDRESS": "\(defi)",
                                                                         "STORE_RPC_ADDRESS": directory.file("absent.sock")]))
            defer { backends.close() }
            let router = Router(context: GatewayContext.self)
            router.add(middleware: EdgeMiddleware(logger: Logger(label: "test"), accessLog: false))
            DefiRoutes(backends: backends, now: { now }).addRoutes(to: router)
            try await Application(router: router).test(.router) { client in
                try await client.execute(uri: "/api/defi/tvl-chart?days=3", method: .get) { response in
                    #expect(response.status == .ok)
                    let data = Self.json(response.body)["data"] as? [String: Any] ?? [:]
                    #expect(data["store_available"] as? Bool == false)
                    #expect((data["points"] as? [[String: Any]])?.map { $0["source"] as? String } == ["defillama", "defillama"])
                    #expect((Self.json(response.body)["meta"] as? [String: Any])?["source"] as? String == "defillama")
                }
            }
        }
    }

    @Test("malformed parameters are refused before any RPC", arguments: [
        "/api/defi?limit=0", "/api/defi?limit=-1", "/api/defi?limit=1e3", "/api/defi?chain=a%2Fb",
        "/api/defi?include=staking,bribes", "/api/defi/chains?limit=0", "/api/defi/tvl-chart?days=abc",
        "/api/defi/tvl-chart?days=99999", "/api/defi/tvl-chart?chain=" + String(repeating: "x", count: 65),
        "/api/defi/protocols/a%20b", "/api/defi/protocols/aave?days=0",
    ])
    func badInput(uri: String) async throws {
        try await Self.withApp { client, calls in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(Self.json(response.body)["type"] as? String == "invalid-parameter")
            }
            #expect(calls.entries.isEmpty)
        }
    }

    @Test("the OpenAPI fragment documents every DeFi route and the unknown-chain/unknown-protocol problems")
    func openAPI() throws {
        let fragment = DefiRoutes(backends: try Backends(settings: Settings(environment: [:]))).openAPI
        #expect(Set(fragment.paths.keys) == ["/api/defi", "/api/defi/chains", "/api/defi/tvl-chart", "/api/defi/protocols/{protocol}"])
        #expect(fragment.problemTypes["unknown-chain"] != nil && fragment.problemTypes["unknown-protocol"] != nil)
        #expect(fragment.schemas["DefiProtocol"] != nil && fragment.schemas["DefiChain"] != nil)
    }
}
