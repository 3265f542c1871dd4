import Contracts
import CryptoModels
import Foundation
import Hummingbird
import RPC

/// The news and sentiment read endpoints:
/// `GET /api/news?page=&page_size=&source=&asset=&sentiment=` (store-svc's `store.news.page`),
/// `GET /api/sentiment?max_assets=` (news-sentiment-svc's `news.sentiment.summary`: 1 h / 24 h / 7 d, overall and per
/// asset, plus the latest Fear & Greed value) and `GET /api/sentiment/fear-greed?days=` (`store.fear_greed.history`).
/// Parameters are checked strictly (problem+json `invalid-parameter`).
struct NewsRoutes: RouteArea {
    /// store-svc, news-sentiment-svc and the other backends.
    let backends: Backends
    /// The clock (epoch ms); tests may fix it.
    var now: @Sendable () -> EpochMillis = Timestamps.nowMillis

    /// Allowed `page`.
    static let pages = 1...10_000
    /// Allowed `page_size`.
    static let pageSizes = 1...100
    /// Allowed `days` of the Fear & Greed history.
    static let days = 1...3_650
    /// Allowed `max_assets`.
    static let maxAssets = 1...100
    /// A Fear & Greed value older than this is flagged `stale` (the index is daily; two days means polls are failing).
    static let fearGreedStaleAfter: Int64 = 2 * 86_400_000

    /// Registers the three routes.
    func addRoutes(to router: Router<GatewayContext>) {
        router.get("/api/news") { request, context in try await news(request, context) }
        router.get("/api/sentiment") { request, context in try await sentiment(request, context) }
        router.get("/api/sentiment/fear-greed") { request, context in try await fearGreed(request, context) }
    }

    /// `GET /api/news`.
    func news(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let page = try query.int("page", in: Self.pages, default: 1)
        let pageSize = try query.int("page_size", in: Self.pageSizes, default: 20)
        let source = try query.string("source").map(Self.source)
        let asset = try query.string("asset").map(Self.asset)
        let label = try query.choice("sentiment", News.labels)
        let result = try await backends.call(.store, Store.NewsPageQuery.self,
                                             .init(page: page, pageSize: pageSize, source: source, asset: asset, sentiment: label),
                                             requestID: context.requestID)
        let fetched = now()
        let asOf = result.items.first?.publishedAt ?? fetched
        let meta = NewsMeta(source: "store", asOf: asOf, fetchedAt: fetched, ageS: Double(max(0, fetched - asOf)) / 1_000,
                            stale: false, cached: false, page: result.page, pageSize: result.pageSize, total: result.total,
                            pages: (result.total + pageSize - 1) / pageSize)
        return try JSONBody.response(NewsEnvelope(data: result.items.map(NewsItemBody.init), meta: meta))
    }

    /// `GET /api/sentiment`.
    func sentiment(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let maxAssets = try query.int("max_assets", in: Self.maxAssets, default: 20)
        let summary = try await backends.call(.newsSentiment, News.SentimentSummary.self, .init(maxAssets: maxAssets),
                                              requestID: context.requestID)
        let fetched = now()
        let body = SentimentSummaryBody(
            windows: summary.windows,
            fearGreed: summary.fearGreed.map { FearGreedBody($0, stale: fetched - $0.ts > Self.fearGreedStaleAfter) },
            truncated: summary.truncated)
        let meta = DataMeta(source: "news-sentiment-svc", asOf: summary.computedAt, fetchedAt: fetched,
                            ageS: Double(max(0, fetched - summary.computedAt)) / 1_000, stale: false, cached: summary.cached)
        return try JSONBody.response(DataEnvelope(data: body, meta: meta))
    }

    /// `GET /api/sentiment/fear-greed?days=`.
    func fearGreed(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let query = QueryParameters(request)
        let days = try query.int("days", in: Self.days, default: 30)
        let to = now(), from = to - Int64(days) * 86_400_000
        let result = try await backends.call(.store, Store.FearGreedHistory.self, .init(from: from, to: to),
                                             requestID: context.requestID)
        let latest = result.entries.last
        let stale = latest.map { to - $0.ts > Self.fearGreedStaleAfter } ?? false
        let body = FearGreedHistoryBody(days: days, latest: latest.map { FearGreedBody($0, stale: stale) },
                                        entries: result.entries.map { FearGreedBody($0, stale: nil) })
        let asOf = latest?.ts ?? to
        let meta = HistoryMeta(source: "alternative.me", asOf: asOf, fetchedAt: to, ageS: Double(max(0, to - asOf)) / 1_000,
                               stale: stale, cached: false, from: from, to: to, count: result.entries.count)
        return try JSONBody.response(HistoryEnvelope(data: body, meta: meta))
    }

    /// A source name: 1–64 characters, no control characters.
    static func source(_ text: String) throws -> String {
        guard (1...64).contains(text.count), !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Problem.invalidParameter("source", "'source' must be a source name of 1–64 characters (e.g. CoinDesk), got '\(text.prefix(40))'")
        }
        return text
    }

    /// An asset symbol: 1–32 ASCII letters, digits, `.`, `-` or `_`; returned upper-case.
    static func asset(_ text: String) throws -> String {
        guard (1...32).contains(text.utf8.count),
              text.utf8.allSatisfy({ HistoryRoutes.isAlphanumeric($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }) else {
            throw Problem.invalidParameter("asset", "'asset' must be a symbol of 1–32 letters, digits, '.', '-' or '_' (e.g. BTC), got '\(text.prefix(40))'")
        }
        return text.uppercased()
    }
}
