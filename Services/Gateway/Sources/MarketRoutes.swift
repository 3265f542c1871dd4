import Contracts
import CryptoModels
import Foundation
import HTTPTypes
import Hummingbird
import RPC
import ServiceKit

/// `/api/market`, `/api/market/global`, `/api/prices`, `/api/trending`, `/api/ohlcv`: market-svc through RPC.
///
/// Query syntax is checked here (cheaply, before any RPC); market-svc checks meaning (symbols, limits) again.
/// Bodies are `{"data": …, "meta": {…}}`; `Cache-Control: max-age` is the time the answer stays fresh in
/// market-svc's cache.
struct MarketRoutes: RouteArea {
    let backends: Backends
    /// Hot prices answers, kept ≤ 1 s (`GATEWAY_MARKET_CACHE_S`).
    let pricesCache: AnswerCache<PricesAnswer>

    init(backends: Backends, settings: Settings) {
        self.backends = backends
        pricesCache = AnswerCache(lifetime: settings.seconds("gateway.market.cache.s", default: 1))
    }

    func addRoutes(to router: Router<GatewayContext>) {
        router.get("/api/prices") { request, context in try await prices(request, context) }
        router.get("/api/market") { request, context in try await markets(request, context) }
        router.get("/api/market/global") { _, context in
            let result = try await backends.call(.market, Market.Global.self, NoParams(), requestID: context.requestID)
            return try Self.respond(MarketViews.GlobalView(global: result.global), result.meta, result.freshForS)
        }
        router.get("/api/trending") { _, context in
            let result = try await backends.call(.market, Market.Trending.self, NoParams(), requestID: context.requestID)
            return try Self.respond(result.coins, result.meta, result.freshForS)
        }
        router.get("/api/ohlcv") { request, context in try await ohlcv(request, context) }
    }

    func prices(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        guard let symbols = try query.list("symbols", maxCount: Market.Limits.maxSymbols), !symbols.isEmpty else {
            throw Problem.invalidParameter("symbols", "'symbols' is required, e.g. symbols=BTC,ETH")
        }
        let vs = try query.choice("vs", Market.Limits.vsCurrencies, default: "usd")!
        let key = symbols.joined(separator: ",").uppercased() + "|" + vs
        if let (answer, elapsed) = pricesCache.get(key) { return answer.response(elapsed: elapsed) }
        let result = try await backends.call(.market, Market.Prices.self, .init(symbols: symbols, vs: vs), requestID: context.requestID)
        if !result.meta.stale, result.freshForS > 0, let answer = try? PricesAnswer(result) {
            pricesCache.put(key, answer, freshFor: result.freshForS)
        }
        return try Self.respond(result.quotes.map(MarketViews.QuoteView.init), result.meta, result.freshForS)
    }

    func markets(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let limit = try query.int("limit", in: Market.Limits.marketLimit, default: 100)
        let vs = try query.choice("vs", Market.Limits.vsCurrencies, default: "usd")!
        let result = try await backends.call(.market, Market.Markets.self, .init(limit: limit, vs: vs), requestID: context.requestID)
        return try Self.respond(result.entries.map(MarketViews.MarketEntryView.init), result.meta, result.freshForS)
    }

    func ohlcv(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        guard let symbol = query.string("symbol") else {
            throw Problem.invalidParameter("symbol", "'symbol' is required, e.g. symbol=BTCUSDT or symbol=BTC")
        }
        guard symbol.count <= 40 else { throw Problem.invalidParameter("symbol", "'symbol' is too long") }
        let interval = try query.choice("interval", Interval.allCases.map(\.rawValue), default: "1h")!
        let limit = try query.int("limit", in: Market.Limits.ohlcvLimit, default: 100)
        let start = try Self.time(query, "start")
        let end = try Self.time(query, "end")
        if let start, let end, start > end {
            throw Problem.invalidParameter("start", "'start' must not be after 'end'")
        }
        let result = try await backends.call(.market, Market.OHLCV.self,
                                             .init(symbol: symbol, interval: interval, limit: limit, start: start, end: end),
                                             requestID: context.requestID)
        let view = MarketViews.SeriesView(symbol: result.series.symbol, interval: result.series.interval.rawValue,
                                          quote: result.quote, candles: result.series.candles.map(MarketViews.CandleView.init))
        return try Self.respond(view, result.meta, result.freshForS)
    }

    /// A time parameter: ISO-8601 or epoch milliseconds. A 10-digit integer is refused (it is almost certainly
    /// seconds), with a hint.
    static func time(_ query: QueryParameters, _ name: String) throws -> Int64? {
        guard let text = query.string(name) else { return nil }
        if text.allSatisfy(\.isNumber) {
            if text.count == 10 {
                throw Problem.invalidParameter(name, "'\(name)' looks like epoch seconds (\(text)); send milliseconds (\(text)000) or ISO-8601 (e.g. 2026-01-01T00:00:00Z)")
            }
            guard let ms = Int64(text), text.count >= 11, text.count <= 14 else {
                throw Problem.invalidParameter(name, "'\(name)' must be epoch milliseconds or ISO-8601, got '\(text.prefix(40))'")
            }
            return ms
        }
        guard let ms = Timestamps.parseISO8601(text) else {
            throw Problem.invalidParameter(name, "'\(name)' must be epoch milliseconds or ISO-8601, got '\(text.prefix(40))'")
        }
        return ms
    }

    /// `{"data": …, "meta": …}` with `Cache-Control` from the remaining freshness.
    static func respond<T: Encodable & Sendable>(_ data: T, _ meta: DataMeta, _ freshFor: Double) throws -> Response {
        let maxAge = meta.stale ? 0 : max(0, Int(freshFor.rounded(.down)))
        return try JSONBody.response(DataEnvelope(data: data, meta: meta),
                                     headers: [.cacheControl: maxAge > 0 ? "public, max-age=\(maxAge)" : "no-cache"])
    }

    var openAPI: OpenAPIFragment { MarketOpenAPI.fragment }
}
