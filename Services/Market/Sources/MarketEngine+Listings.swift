import Contracts
import CryptoModels
import ProviderKit
import RPC

extension MarketEngine {
    /// `market.markets`: fetched 100 (or 250) rows at a time so that smaller listings share the cache.
    func markets(_ params: Market.Markets.Params) async throws(RPCError) -> Market.Markets.Result {
        let vs = try MarketValidation.vs(params.vs)
        let limit = try MarketValidation.limit(params.limit, Market.Limits.marketLimit)
        let fetchLimit = limit <= 100 ? 100 : 250
        let chain = chain(settings.marketsChain)
        let ttl = settings.marketsTTL
        let (entries, meta, freshFor) = try await cachedValue(marketsCache, key: "\(vs)|\(fetchLimit)", what: "the market listing in \(vs)") {
            let result = await FailoverChain.first(chain, name: \.name) { provider throws(ProviderFailure) in
                try await provider.markets(vs: vs, limit: fetchLimit)
            }
            return result.map { ($0.value, $0.provider, $0.value.compactMap(\.ts).max(), ttl) }
        }
        return Market.Markets.Result(entries: Array(entries.prefix(limit)), meta: meta, freshForS: freshFor)
    }

    /// `market.global`.
    func global() async throws(RPCError) -> Market.Global.Result {
        let coingecko = self.coingecko
        let ttl = settings.globalTTL
        let (global, meta, freshFor) = try await cachedValue(globalCache, key: "global", what: "global market figures") {
            let result = await FailoverChain.first([coingecko], name: \.name) { provider throws(ProviderFailure) in try await provider.global() }
            return result.map { ($0.value, $0.provider, $0.value.ts, ttl) }
        }
        return Market.Global.Result(global: global, meta: meta, freshForS: freshFor)
    }

    /// `market.trending`: the top 7.
    func trending() async throws(RPCError) -> Market.Trending.Result {
        let coingecko = self.coingecko
        let ttl = settings.trendingTTL
        let (coins, meta, freshFor) = try await cachedValue(trendingCache, key: "trending", what: "trending coins") {
            let result = await FailoverChain.first([coingecko], name: \.name) { provider throws(ProviderFailure) in try await provider.trending() }
            return result.map { ($0.value, $0.provider, nil, ttl) }
        }
        return Market.Trending.Result(coins: Array(coins.prefix(Market.Limits.trendingCount)), meta: meta, freshForS: freshFor)
    }

    /// `market.ohlcv`.
    func ohlcv(_ params: Market.OHLCV.Params) async throws(RPCError) -> Market.OHLCV.Result {
        let interval = try MarketValidation.interval(params.interval)
        let limit = try MarketValidation.limit(params.limit, Market.Limits.ohlcvLimit)
        if let start = params.start, let end = params.end, start > end {
            throw MarketValidation.invalid("start", "'start' (\(start)) is after 'end' (\(end))")
        }
        let resolved = try registry.resolve(params.symbol)
        let asset = resolved.asset
        let quote = resolved.quote ?? "USD"
        let (start, end) = (params.start, params.end)
        let ttl = min(settings.ohlcvTTL, .seconds(interval.seconds))
        let chain = chain(settings.ohlcvChain)
        let key = "\(asset.symbol)|\(quote)|\(interval.rawValue)|\(limit)|\(start ?? -1)|\(end ?? -1)"
        let (candles, meta, freshFor) = try await cachedValue(
            candleCache, key: key, what: "\(interval.rawValue) candles of \(asset.symbol)/\(quote)") {
            let result = await FailoverChain.first(chain, name: \.name) { provider throws(ProviderFailure) in
                let candles = try await provider.candles(asset, quote: quote, interval: interval, limit: limit, start: start, end: end)
                guard !candles.isEmpty else {
                    throw ProviderFailure(provider: provider.name, kind: .providerError, message: "no candles in the requested range")
                }
                return candles
            }
            return result.map { ($0.value, $0.provider, $0.value.last.map { $0.openTime }, ttl) }
        }
        let symbol = resolved.quote == nil ? asset.symbol : asset.symbol + quote
        return Market.OHLCV.Result(series: CandleSeries(symbol: symbol, interval: interval, candles: candles),
                                   quote: quote.lowercased(), meta: meta, freshForS: freshFor)
    }

    /// `market.resolve`.
    func resolve(_ params: Market.Resolve.Params) throws(RPCError) -> Market.Resolve.Result {
        let resolved = try registry.resolve(params.symbol)
        return Market.Resolve.Result(asset: resolved.asset, quote: resolved.quote)
    }
}
