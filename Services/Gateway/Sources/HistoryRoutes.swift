import Contracts
import CryptoModels
import Foundation
import Hummingbird
import RPC

/// The history endpoints served from store-svc:
/// `GET /api/prices/history/{symbol}`, `GET /api/ohlcv/history/{symbol}`, `GET /api/market/history`,
/// `GET /api/defi/history/{protocol}`. Parameters are checked strictly here (problem+json `invalid-parameter`);
/// names the store has never seen come back from store-svc as `unknown-asset` / `unknown-protocol` (404).
struct HistoryRoutes: RouteArea {
    /// store-svc and the other backends.
    let backends: Backends
    /// The clock (epoch ms); tests may fix it.
    var now: @Sendable () -> EpochMillis = Timestamps.nowMillis

    /// Allowed `days`.
    static let days = 1...3_650
    /// Allowed `limit` of the market history.
    static let limit = 1...1_000
    /// Allowed `points` of a price history.
    static let points = 1...10_000
    /// Most candles one request may span.
    static let maxCandles = 100_000

    /// Registers the four routes.
    func addRoutes(to router: Router<GatewayContext>) {
        router.get("/api/prices/history/:symbol") { request, context in try await priceHistory(request, context) }
        router.get("/api/ohlcv/history/:symbol") { request, context in try await candleHistory(request, context) }
        router.get("/api/market/history") { request, context in try await marketHistory(request, context) }
        router.get("/api/defi/history/:protocol") { request, context in try await defiHistory(request, context) }
    }

    /// `GET /api/prices/history/{symbol}?days=&points=&vs=`.
    func priceHistory(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let symbol = try Self.symbol(context.parameters.get("symbol"))
        let days = try query.int("days", in: Self.days, default: 30)
        let points = try query.int("points", in: Self.points, default: 500)
        let vs = try Self.currency(query.string("vs") ?? "usd")
        let to = now(), from = to - Int64(days) * 86_400_000
        let result = try await backends.call(.store, Store.PriceHistory.self,
                                             .init(symbol: symbol, vs: vs, from: from, to: to, maxPoints: points),
                                             requestID: context.requestID)
        let body = PriceHistoryBody(symbol: result.symbol, vs: result.vs, days: days,
                                    points: result.points.map { .init(ts: $0.ts, time: Timestamps.iso8601($0.ts), price: $0.price) })
        return try respond(body, newest: result.points.last?.ts, from: from, to: to, count: result.points.count)
    }

    /// `GET /api/ohlcv/history/{symbol}?interval=&days=`.
    func candleHistory(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let symbol = try Self.symbol(context.parameters.get("symbol"))
        let intervalText = try query.choice("interval", Interval.allCases.map(\.rawValue), default: Interval.d1.rawValue) ?? "1d"
        let interval = Interval(rawValue: intervalText) ?? .d1
        let days = try query.int("days", in: Self.days, default: 90)
        let span = Int64(days) * 86_400_000 / interval.milliseconds
        guard span <= Int64(Self.maxCandles) else {
            throw Problem.invalidParameter("days", "\(days) days of \(interval.rawValue) candles is \(span) candles; at most \(Self.maxCandles) can be read at once (use fewer days or a longer interval)")
        }
        let to = now(), from = to - Int64(days) * 86_400_000
        let series = try await backends.call(.store, Store.CandleRange.self,
                                             .init(symbol: symbol, interval: interval, from: from, to: to),
                                             requestID: context.requestID)
        let body = CandleHistoryBody(symbol: series.symbol, interval: series.interval.rawValue, days: days,
                                     candles: series.candles.map(CandleBody.init))
        return try respond(body, newest: series.candles.last?.openTime, from: from, to: to, count: series.candles.count)
    }

    /// `GET /api/market/history?symbol=&limit=`.
    func marketHistory(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        guard let raw = query.string("symbol") else {
            throw Problem.invalidParameter("symbol", "'symbol' is required, e.g. ?symbol=BTC")
        }
        let symbol = try Self.symbol(raw)
        let limit = try query.int("limit", in: Self.limit, default: 10)
        let result = try await backends.call(.store, Store.MarketHistory.self, .init(symbol: symbol, limit: limit),
                                             requestID: context.requestID)
        let body = MarketHistoryBody(symbol: result.symbol, points: result.points.map(MarketPointBody.init))
        return try respond(body, newest: result.points.first?.ts, from: nil, to: nil, count: result.points.count)
    }

    /// `GET /api/defi/history/{protocol}?days=`.
    func defiHistory(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let slug = try Self.slug(context.parameters.get("protocol"))
        let days = try query.int("days", in: Self.days, default: 30)
        let to = now(), from = to - Int64(days) * 86_400_000
        let result = try await backends.call(.store, Store.DefiHistory.self, .init(slug: slug, from: from, to: to),
                                             requestID: context.requestID)
        let body = DefiHistoryBody(protocol: result.slug, days: days,
                                   points: result.points.map { .init(ts: $0.ts, time: Timestamps.iso8601($0.ts), tvl: $0.tvl) })
        return try respond(body, newest: result.points.last?.ts, from: from, to: to, count: result.points.count)
    }

    /// `{"data": body, "meta": {source: "store", as_of, fetched_at, age_s, stale, cached, from, to, count}}`.
    func respond<T: Encodable & Sendable>(_ body: T, newest: EpochMillis?, from: EpochMillis?, to: EpochMillis?, count: Int) throws -> Response {
        let fetched = now()
        let asOf = newest ?? fetched
        let meta = HistoryMeta(source: "store", asOf: asOf, fetchedAt: fetched, ageS: Double(max(0, fetched - asOf)) / 1_000,
                               stale: false, cached: false, from: from, to: to, count: count)
        return try JSONBody.response(HistoryEnvelope(data: body, meta: meta))
    }

    /// A symbol: 1–32 ASCII letters, digits, `.`, `-` or `_`; returned upper-case.
    static func symbol(_ text: String?) throws -> String {
        guard let text, (1...32).contains(text.utf8.count),
              text.utf8.allSatisfy({ isAlphanumeric($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }) else {
            throw Problem.invalidParameter("symbol", "'symbol' must be 1–32 letters, digits, '.', '-' or '_', got '\((text ?? "").prefix(40))'")
        }
        return text.uppercased()
    }

    /// A DefiLlama slug: 1–64 ASCII letters, digits, `.`, `-` or `_`; returned lower-case.
    static func slug(_ text: String?) throws -> String {
        guard let text, (1...64).contains(text.utf8.count),
              text.utf8.allSatisfy({ isAlphanumeric($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }) else {
            throw Problem.invalidParameter("protocol", "'protocol' must be a slug of 1–64 letters, digits, '.', '-' or '_', got '\((text ?? "").prefix(40))'")
        }
        return text.lowercased()
    }

    /// A quote currency code: 2–10 ASCII letters; returned lower-case.
    static func currency(_ text: String) throws -> String {
        guard (2...10).contains(text.utf8.count), text.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) else {
            throw Problem.invalidParameter("vs", "'vs' must be a currency code of 2–10 letters, got '\(text.prefix(40))'")
        }
        return text.lowercased()
    }

    /// Whether an ASCII byte is a letter or digit.
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
