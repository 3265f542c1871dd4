import Contracts
import CryptoModels
import ProviderKit
import RPC

extension MarketEngine {
    /// `market.prices`.
    func prices(_ params: Market.Prices.Params) async throws(RPCError) -> Market.Prices.Result {
        let vs = try MarketValidation.vs(params.vs)
        let assets = try MarketValidation.symbols(params.symbols).map { symbol throws(RPCError) in try registry.resolve(symbol).asset }
        var seen = Set<String>()
        let unique = assets.filter { seen.insert($0.symbol).inserted }

        // Fast path: every quote fresh in cache.
        var entries: [CachedValue<Quote>] = []
        entries.reserveCapacity(unique.count)
        var missing: [Asset] = []
        for asset in unique {
            if let entry = quoteCache.fresh(QuoteKey(symbol: asset.symbol, vs: vs)) { entries.append(entry) } else { missing.append(asset) }
        }
        if missing.isEmpty { return assemble(entries, stale: false, cached: true) }

        let started = clock.wallMillis()
        let key = missing.map(\.symbol).sorted().joined(separator: ",") + "|" + vs
        let failures: [ProviderFailure]
        do {
            failures = try await quoteFlight.run(key) { await fetchQuotes(missing, vs: vs) }
        } catch {
            throw RPCError(code: RPCErrorCode.cancelled, message: "cancelled")
        }
        entries.removeAll(keepingCapacity: true)
        var stale = false
        var unavailable: [String] = []
        for asset in unique {
            let key = QuoteKey(symbol: asset.symbol, vs: vs)
            if let entry = quoteCache.fresh(key) {
                entries.append(entry)
            } else if let entry = quoteCache.lastKnown(key, maxAge: settings.maxStale) {
                entries.append(entry)
                stale = true
            } else {
                unavailable.append(asset.symbol)
            }
        }
        guard unavailable.isEmpty else {
            throw UpstreamProblem.allFailed(failures, what: "prices of \(unavailable.joined(separator: ",")) in \(vs)")
        }
        let cached = entries.allSatisfy { $0.fetchedAt < started }
        return assemble(entries, stale: stale, cached: cached)
    }

    /// Asks the price chain for `assets`, each provider for what the previous ones did not return; stores what
    /// comes back. Returns the failures met on the way.
    func fetchQuotes(_ assets: [Asset], vs: String) async -> [ProviderFailure] {
        var remaining = assets
        var failures: [ProviderFailure] = []
        for provider in chain(settings.pricesChain) where !remaining.isEmpty {
            do throws(ProviderFailure) {
                let quotes = try await provider.quotes(remaining, vs: vs)
                var got = Set<String>()
                for quote in quotes where remaining.contains(where: { $0.symbol == quote.symbol }) {
                    quoteCache.store(QuoteKey(symbol: quote.symbol, vs: vs), quote, source: provider.name, asOf: quote.ts,
                                     ttl: settings.pricesTTL)
                    got.insert(quote.symbol)
                }
                if got.isEmpty {
                    failures.append(ProviderFailure(provider: provider.name, kind: .providerError,
                                                    message: "no quote for \(remaining.map(\.symbol).joined(separator: ","))"))
                }
                remaining.removeAll { got.contains($0.symbol) }
            } catch {
                failures.append(error)
            }
        }
        return failures
    }

    /// The result from cache entries (meta of the oldest; sources joined when several).
    func assemble(_ entries: [CachedValue<Quote>], stale: Bool, cached: Bool) -> Market.Prices.Result {
        let now = clock.monotonic()
        var oldest = entries[0]
        var sources: [String] = []
        var freshFor = Double.infinity
        for entry in entries {
            if entry.fetchedAt < oldest.fetchedAt { oldest = entry }
            if !sources.contains(entry.source) { sources.append(entry.source) }
            freshFor = min(freshFor, entry.remaining(now: now))
        }
        var meta = meta(oldest, stale: stale, cached: cached)
        meta.source = sources.joined(separator: ",")
        meta.asOf = entries.map(\.asOf).min() ?? oldest.asOf
        return Market.Prices.Result(quotes: entries.map(\.value), meta: meta, freshForS: max(0, freshFor))
    }
}
