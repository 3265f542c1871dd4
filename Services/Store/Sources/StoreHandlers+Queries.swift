import Contracts
import CryptoModels
import Foundation
import RPC

extension StoreHandlers {
    /// Registers the history queries. An empty answer for a name the store has never seen is `unknown-asset` /
    /// `unknown-protocol` (404); an empty answer for a known name is an empty list (no data in that window).
    func registerQueries(into router: inout RPCRouter) {
        let store = self.store
        router.register(StoreAPI.PriceHistory.self) { params, _ in
            let start = ContinuousClock.now
            defer { StoreMetrics.query(StoreAPI.PriceHistory.name, since: start) }
            try StoreProblems.require(params.maxPoints, in: 1...Self.maxPricePoints, "max_points")
            try StoreProblems.requireRange(params.from, params.to)
            let symbol = params.symbol.uppercased()
            let points = try await store.priceHistory(symbol: symbol, vs: params.vs.lowercased(), from: params.from,
                                                      to: params.to, maxPoints: params.maxPoints)
            if points.isEmpty, try await !store.knownSymbols().contains(symbol) { throw StoreProblems.unknownAsset(symbol) }
            return .init(symbol: symbol, vs: params.vs.lowercased(), points: points)
        }
        router.register(StoreAPI.CandleRange.self) { params, _ in
            let start = ContinuousClock.now
            defer { StoreMetrics.query(StoreAPI.CandleRange.name, since: start) }
            if let limit = params.limit { try StoreProblems.require(limit, in: 1...Self.maxCandles, "limit") }
            try StoreProblems.requireRange(params.from, params.to)
            let span = params.to.subtractingReportingOverflow(params.from)
            let expected = span.overflow ? Int64.max : span.partialValue / params.interval.milliseconds + 1
            guard params.limit != nil || expected <= Int64(Self.maxCandles) else {
                throw StoreProblems.invalid("from", "the range spans \(expected) \(params.interval.rawValue) candles; at most \(Self.maxCandles) can be read at once")
            }
            let symbol = params.symbol.uppercased()
            let candles = try await store.candles(symbol: symbol, interval: params.interval, from: params.from,
                                                  to: params.to, limit: params.limit)
            if candles.isEmpty, try await !store.knownSymbols().contains(symbol) { throw StoreProblems.unknownAsset(symbol) }
            return CandleSeries(symbol: symbol, interval: params.interval, candles: candles)
        }
        router.register(StoreAPI.MarketHistory.self) { params, _ in
            let start = ContinuousClock.now
            defer { StoreMetrics.query(StoreAPI.MarketHistory.name, since: start) }
            try StoreProblems.require(params.limit, in: 1...1_000, "limit")
            let symbol = params.symbol.uppercased()
            let points = try await store.marketHistory(symbol: symbol, limit: params.limit)
            if points.isEmpty, try await !store.knownSymbols().contains(symbol) { throw StoreProblems.unknownAsset(symbol) }
            return .init(symbol: symbol, points: points)
        }
        router.register(StoreAPI.LatestMarketSnapshots.self) { params, _ in
            try StoreProblems.require(params.limit, in: 1...100, "limit")
            return .init(snapshots: try await store.latestMarketSnapshots(limit: params.limit))
        }
        router.register(StoreAPI.DefiHistory.self) { params, _ in
            let start = ContinuousClock.now
            defer { StoreMetrics.query(StoreAPI.DefiHistory.name, since: start) }
            try StoreProblems.requireRange(params.from, params.to)
            let slug = params.slug.lowercased()
            let points = try await store.defiHistory(slug: slug, from: params.from, to: params.to)
            if points.isEmpty, try await !store.knownProtocols().contains(slug) { throw StoreProblems.unknownProtocol(slug) }
            return .init(slug: slug, points: points)
        }
        router.register(StoreAPI.DefiProtocols.self) { params, _ in
            .init(protocols: try await store.defiProtocols(at: params.at ?? Timestamps.nowMillis()))
        }
        router.register(StoreAPI.TvlByDay.self) { params, _ in
            try StoreProblems.requireRange(params.from, params.to)
            return .init(points: try await store.tvlByDay(from: params.from, to: params.to, chain: params.chain))
        }
        router.register(StoreAPI.NewsPageQuery.self) { params, _ in
            let start = ContinuousClock.now
            defer { StoreMetrics.query(StoreAPI.NewsPageQuery.name, since: start) }
            try StoreProblems.require(params.page, in: 1...100_000, "page")
            try StoreProblems.require(params.pageSize, in: 1...SQLiteHistoryStore.maxNewsPageSize, "page_size")
            return try await store.newsPage(NewsQuery(page: params.page, pageSize: params.pageSize, source: params.source,
                                                      asset: params.asset?.uppercased(), sentimentLabel: params.sentiment))
        }
        router.register(StoreAPI.FearGreedHistory.self) { params, _ in
            try StoreProblems.requireRange(params.from, params.to)
            return .init(entries: try await store.fearGreed(from: params.from, to: params.to))
        }
        router.register(StoreAPI.ProviderStatuses.self) { _, _ in
            .init(providers: try await store.providerStatuses())
        }
        router.register(StoreAPI.UserRequestCount.self) { params, _ in
            .init(count: try await store.userRequestCount(keyID: params.keyID, since: params.since))
        }
        router.register(StoreAPI.KnownNames.self) { _, _ in
            .init(symbols: try await store.knownSymbols(), protocols: try await store.knownProtocols())
        }
    }
}
