import Contracts
import CryptoModels
import Foundation
import Hummingbird
import RPC
import ServiceKit

/// `/api/defi`, `/api/defi/chains`, `/api/defi/tvl-chart`, `/api/defi/protocols/{protocol}`: defi-svc through RPC,
/// the chart merged with store-svc's daily snapshot totals. (`/api/defi/history/{protocol}` is a history route.)
///
/// Query syntax is checked here before any RPC (problem+json `invalid-parameter`); defi-svc checks meaning again and
/// answers `unknown-chain` / `unknown-protocol` (404). Bodies are `{"data": …, "meta": {…}}` with TVL as decimal
/// strings; `Cache-Control: max-age` is the time the answer stays fresh in defi-svc's cache.
struct DefiRoutes: RouteArea {
    /// defi-svc and store-svc.
    let backends: Backends
    /// The clock (epoch ms); tests may fix it.
    var now: @Sendable () -> EpochMillis = Timestamps.nowMillis

    /// Registers the routes.
    func addRoutes(to router: Router<GatewayContext>) {
        router.get("/api/defi") { request, context in try await protocols(request, context) }
        router.get("/api/defi/chains") { request, context in try await chains(request, context) }
        router.get("/api/defi/tvl-chart") { request, context in try await tvlChart(request, context) }
        router.get("/api/defi/protocols/:protocol") { request, context in try await protocolDetail(request, context) }
    }

    /// `GET /api/defi?limit=20&chain=&include=`.
    func protocols(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let limit = try query.int("limit", in: Defi.Limits.protocolLimit, default: Defi.Limits.defaultProtocolLimit)
        let chain = try Self.chain(query.string("chain"))
        let include = try Self.include(query)
        let result = try await backends.call(.defi, Defi.Protocols.self, .init(limit: limit, chain: chain, include: include),
                                             requestID: context.requestID)
        let body = DefiViews.ProtocolsBody(protocols: result.protocols, totalTvl: result.totalTvl, matched: result.matched,
                                           chain: result.chain, include: result.include)
        return try MarketRoutes.respond(body, result.meta, result.freshForS)
    }

    /// `GET /api/defi/chains?limit=`.
    func chains(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let limit: Int? = query.string("limit") == nil ? nil : try query.int("limit", in: 1...1_000, default: 1_000)
        let result = try await backends.call(.defi, Defi.Chains.self, .init(limit: limit), requestID: context.requestID)
        return try MarketRoutes.respond(DefiViews.ChainsBody(chains: result.chains, totalTvl: result.totalTvl), result.meta,
                                        result.freshForS)
    }

    /// `GET /api/defi/protocols/{protocol}?days=30&include=`.
    func protocolDetail(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let slug = try Self.slug(context.parameters.get("protocol"))
        let days = try query.int("days", in: Defi.Limits.days, default: 30)
        let include = try Self.include(query)
        let result = try await backends.call(.defi, Defi.ProtocolDetail.self, .init(slug: slug, days: days, include: include),
                                             requestID: context.requestID)
        let body = DefiViews.ProtocolBody(protocol: result.protocol, days: days, history: result.history.map(DefiViews.Point.init))
        return try MarketRoutes.respond(body, result.meta, result.freshForS)
    }

    /// `GET /api/defi/tvl-chart?days=30&chain=`: DefiLlama's daily series, with store-svc's daily totals filling the
    /// days DefiLlama does not have (each point names its source). When DefiLlama and defi-svc's cache both fail
    /// but snapshots exist, those are served flagged `stale: true`.
    func tvlChart(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let days = try query.int("days", in: Defi.Limits.days, default: 30)
        let chain = try Self.chain(query.string("chain"))
        let to = now()
        let from = (to / TvlChartMerge.dayMillis - Int64(days - 1)) * TvlChartMerge.dayMillis
        let upstream: Defi.TvlChart.Result
        do {
            upstream = try await backends.call(.defi, Defi.TvlChart.self, .init(chain: chain, days: days), requestID: context.requestID)
        } catch let error as BackendError where [429, 503].contains(error.error.data?.status ?? 0) || error.error.data == nil {
            var resolved = chain
            if case .string(let name)? = error.error.data?.extensions["chain"] { resolved = name }
            let stored = try? await storedPoints(from: from, to: to, chain: resolved, requestID: context.requestID)
            guard let stored, !stored.isEmpty else { throw error }
            let points = TvlChartMerge.merge(upstream: [], stored: stored, from: from, to: to)
            let meta = DataMeta(source: "store", asOf: stored.last?.ts ?? to, fetchedAt: to,
                                ageS: Double(max(0, to - (stored.last?.ts ?? to))) / 1_000, stale: true, cached: true)
            return try MarketRoutes.respond(DefiViews.ChartBody(chain: resolved, days: days, points: points, storeAvailable: true), meta, 0)
        }
        let stored = try? await storedPoints(from: from, to: to, chain: upstream.chain ?? chain, requestID: context.requestID)
        let points = TvlChartMerge.merge(upstream: upstream.points, stored: stored ?? [], from: from, to: to)
        var meta = upstream.meta
        if points.contains(where: { $0.source == "store" }) { meta.source += "+store" }
        let body = DefiViews.ChartBody(chain: upstream.chain, days: days, points: points, storeAvailable: stored != nil)
        return try MarketRoutes.respond(body, meta, upstream.freshForS)
    }

    /// store-svc's daily totals of the snapshots in the window.
    func storedPoints(from: EpochMillis, to: EpochMillis, chain: String?, requestID: String) async throws -> [TvlPoint] {
        try await backends.call(.store, Store.TvlByDay.self, .init(from: from, to: to, chain: chain), requestID: requestID,
                                timeout: .seconds(3)).points
    }

    /// A chain name: 1–64 letters, digits, spaces, `.`, `-` or `_`.
    static func chain(_ text: String?) throws -> String? {
        guard let text else { return nil }
        guard (1...Defi.Limits.maxNameLength).contains(text.utf8.count),
              text.utf8.allSatisfy({ HistoryRoutes.isAlphanumeric($0) || $0 == 0x20 || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }) else {
            throw Problem.invalidParameter("chain", "'chain' must be a chain name of 1–64 letters, digits, spaces, '.', '-' or '_', got '\(text.prefix(40))'")
        }
        return text
    }

    /// A protocol slug: 1–64 letters, digits, `.`, `-`, `_` or `&`.
    static func slug(_ text: String?) throws -> String {
        guard let text, (1...Defi.Limits.maxNameLength).contains(text.utf8.count),
              text.utf8.allSatisfy({ HistoryRoutes.isAlphanumeric($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F || $0 == 0x26 }) else {
            throw Problem.invalidParameter("protocol", "'protocol' must be a slug of 1–64 letters, digits, '.', '-', '_' or '&', got '\((text ?? "").prefix(40))'")
        }
        return text.lowercased()
    }

    /// `include`: a comma-separated list of extra TVL kinds.
    static func include(_ query: QueryParameters) throws -> [String] {
        let kinds = try query.list("include", maxCount: Defi.Limits.includeKinds.count) ?? []
        for kind in kinds where !Defi.Limits.includeKinds.contains(where: { $0.lowercased() == kind.lowercased() }) {
            throw Problem.invalidParameter("include", "'include' may list \(Defi.Limits.includeKinds.joined(separator: ", ")); got '\(kind.prefix(40))'")
        }
        return kinds
    }

    /// The DeFi routes' part of `/openapi.json`.
    var openAPI: OpenAPIFragment { DefiOpenAPI.fragment }
}
