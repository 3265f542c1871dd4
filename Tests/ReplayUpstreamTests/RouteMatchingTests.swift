import Foundation
import ReplayUpstream
import Testing

/// Route selection against the real routes file, without a running server.
@Suite struct RouteMatchingTests {
    let store: ReplayStore

    init() throws {
        self.store = try ReplayTestSupport.makeServer().store
    }

    private func routeName(_ path: String, _ query: String? = nil, method: String = "GET") -> String? {
        self.store.route(for: RequestKey(method: method, path: path, rawQuery: query))?.spec.name
    }

    @Test func queryParametersAreASubsetInAnyOrder() {
        let path = "/coingecko/api/v3/simple/price"
        // The exact request the capture answered, in a different parameter order.
        #expect(
            routeName(path, "include_last_updated_at=true&vs_currencies=usd&include_market_cap=true&ids=bitcoin")
                == "coingecko.simple_price")
        // Only the required parameters.
        #expect(routeName(path, "vs_currencies=usd&ids=bitcoin") == "coingecko.simple_price")
        // Percent-encoded values are decoded before comparing.
        #expect(routeName(path, "ids=%62itcoin&vs_currencies=usd") == "coingecko.simple_price")
        // A different coin has no capture.
        #expect(routeName(path, "ids=ethereum&vs_currencies=usd") == nil)
        // A required parameter missing: no capture either.
        #expect(routeName(path, "ids=bitcoin") == nil)
    }

    @Test func exactQueryRouteOnlyMatchesItsOwnParameters() {
        // No query at all: the recorded 422 "Missing parameter ids".
        #expect(routeName("/coingecko/api/v3/simple/price") == "coingecko.simple_price.missing_ids")
        #expect(routeName("/coingecko/api/v3/coins/bitcoin/ohlc") == "coingecko.ohlc.no_query")
        #expect(routeName("/coingecko/api/v3/coins/bitcoin/ohlc", "days=7&vs_currency=usd") == "coingecko.ohlc")
        // One stray parameter breaks an exact-query route.
        #expect(routeName("/coingecko/api/v3/coins/bitcoin/ohlc", "days=7") == nil)
    }

    @Test func moreMatchingParametersWin() throws {
        // Both Kraken OHLC routes are candidates for pair+interval=1; the one requiring interval wins.
        #expect(routeName("/kraken/0/public/OHLC", "pair=XBTUSDT&interval=1") == "kraken.ohlc")
        // Without interval only the default-interval route applies (it requires interval to be absent).
        #expect(routeName("/kraken/0/public/OHLC", "pair=XBTUSDT") == "kraken.ohlc.default_interval")
        // Another interval is not this capture.
        #expect(routeName("/kraken/0/public/OHLC", "pair=XBTUSDT&interval=60") == nil)
        #expect(routeName("/kraken/0/public/OHLC", "pair=XBTUSDT&since=1762777020") == nil)
        // Binance: symbol=INVALID selects the recorded 400, symbol=BTCUSDT the klines.
        #expect(routeName("/binance/api/v3/klines", "symbol=INVALID&interval=1h") == "binance.klines.invalid_symbol")
        #expect(routeName("/binance/api/v3/klines", "symbol=BTCUSDT&interval=1m&limit=10") == "binance.klines")
    }

    @Test func trailingSlashAndMethodMatter() {
        #expect(routeName("/alternative_me/fng/", "limit=2") == "alternative_me.fng")
        #expect(routeName("/alternative_me/fng", "limit=2") == "alternative_me.fng")
        #expect(routeName("/coingecko/api/v3/coins/list/") == "coingecko.coins_list")
        #expect(routeName("/defillama/protocols", method: "POST") == nil)
        #expect(routeName("/defillama/protocols") == "defillama.protocols")
    }

    @Test func faultOnlyRoutesAreNeverServedDirectly() {
        // "/coingecko/*" on_fault routes must not answer an unknown CoinGecko path.
        #expect(routeName("/coingecko/api/v3/coins/solana") == nil)
        #expect(routeName("/binance/api/v3/depth", "symbol=BTCUSDT") == nil)
    }

    @Test func runtimeRoutesOverrideFileRoutes() throws {
        let path = "/coingecko/api/v3/simple/price"
        let full = "ids=bitcoin&vs_currencies=usd&include_24hr_change=true"
        // Less specific than the file route, but runtime routes are consulted first.
        try self.store.addRoute(RouteSpec(name: "price-change", path: path, query: ["ids": "bitcoin"], body: "{}"))
        #expect(routeName(path, full) == "price-change")
        // Posting the same selector again replaces it rather than piling up.
        try self.store.addRoute(RouteSpec(name: "price-change-2", path: path, query: ["ids": "bitcoin"], body: "{}"))
        #expect(self.store.allRouteSpecs.runtime.map(\.name) == ["price-change-2"])
        self.store.reset()
        #expect(routeName(path, full) == "coingecko.simple_price")
    }

    @Test func invalidRoutesAreRejectedWithAReason() {
        #expect(throws: ReplayError.self) {
            try self.store.addRoute(RouteSpec(path: "no-slash", body: "{}"))
        }
        #expect(throws: ReplayError.self) {
            try self.store.addRoute(RouteSpec(path: "/x", file: "../../etc/passwd"))
        }
        #expect(throws: ReplayError.self) {
            try self.store.addRoute(RouteSpec(path: "/x", file: "coingecko/does_not_exist.json"))
        }
        #expect(throws: ReplayError.self) {
            try self.store.addRoute(RouteSpec(path: "/x", file: "coingecko/global.json", body: "{}"))
        }
        #expect(throws: ReplayError.self) {
            try self.store.addRoute(RouteSpec(path: "/x", body: "{}", lastModified: "yesterday"))
        }
        #expect(throws: ReplayError.self) {
            try self.store.addFault(FaultSpec(path: "/x", fault: .latency))
        }
        #expect(throws: ReplayError.self) {
            try self.store.addFault(FaultSpec(path: "/x*y", fault: .hang))
        }
    }

    @Test func badRoutesFilesFailAtStartNamingTheRoute() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let routes = directory.appendingPathComponent("routes.json")
        func load(_ json: String) throws -> ReplayServer {
            try Data(json.utf8).write(to: routes)
            return try ReplayServer(configuration: .init(fixturesDirectory: ReplayTestSupport.fixtures, routesFile: routes))
        }
        // A bare array is accepted.
        let server = try load(#"[{"path": "/defillama/tvl/uniswap", "file": "defillama/tvl.json"}]"#)
        #expect(server.store.fileRoutes.count == 1)
        #expect(server.store.fileRoutes.first?.headers[.contentType] == "application/json; charset=utf-8")

        let missing = #"{"routes": [{"path": "/ok", "body": "1"}, {"path": "/x", "file": "coingecko/nope.json"}]}"#
        #expect {
            try load(missing)
        } throws: { error in
            "\(error)".contains("route #1 (/x)") && "\(error)".contains("nope.json")
        }
        let misspelt = #"{"routes": [{"path": "/x", "body": "1", "exactquery": true}]}"#
        #expect {
            try load(misspelt)
        } throws: { error in
            "\(error)".contains("exactquery")
        }
        #expect(throws: ReplayError.self) { try load("not json") }
    }

    @Test func loopbackOnly() {
        #expect(ReplayConfiguration.isLoopback("127.0.0.1"))
        #expect(ReplayConfiguration.isLoopback("127.1.2.3"))
        #expect(ReplayConfiguration.isLoopback("::1"))
        #expect(!ReplayConfiguration.isLoopback("0.0.0.0"))
        #expect(!ReplayConfiguration.isLoopback("192.168.1.10"))
        #expect(!ReplayConfiguration.isLoopback("127.0.0.1.example.com"))
        #expect(throws: ReplayError.notLoopback("0.0.0.0")) {
            try ReplayServer(configuration: .init(host: "0.0.0.0"))
        }
    }
}
