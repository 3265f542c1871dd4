import Contracts
import CryptoModels
import ProviderKit
import ProviderWire
import RPC

extension DefiEngine {
    /// `defi.protocols`: the top protocols by TVL, optionally on one chain, with the asked extra kinds added.
    func protocols(_ params: Defi.Protocols.Params) async throws(RPCError) -> Defi.Protocols.Result {
        let limit = try DefiValidation.range(params.limit, Defi.Limits.protocolLimit, name: "limit")
        let include = try DefiValidation.include(params.include)
        let chain: String?
        if let asked = params.chain { chain = try await resolveChain(asked) } else { chain = nil }
        let (all, meta, freshFor) = try await allProtocols()
        let ranked = DefiNormalization.rank(all, chain: chain, include: include, limit: limit)
        return Defi.Protocols.Result(protocols: ranked.rows, matched: ranked.matched, totalTvl: ranked.total, chain: chain,
                                     include: include, meta: meta, freshForS: freshFor)
    }

    /// `defi.protocol`: one protocol from `/protocol/{slug}` and its last `days` days of TVL.
    ///
    /// The slug is checked against the (cached) `/protocols` list first, so an unknown slug is `unknown-protocol`
    /// without a call; when that list cannot be had, `/protocol/{slug}` is asked anyway.
    func protocolDetail(_ params: Defi.ProtocolDetail.Params) async throws(RPCError) -> Defi.ProtocolDetail.Result {
        let slug = try DefiValidation.slug(params.slug)
        let days = try DefiValidation.range(params.days, Defi.Limits.days, name: "days")
        let include = try DefiValidation.include(params.include)
        if let known = try? await allProtocols(), !known.0.contains(where: { $0.slug == slug }) {
            throw DefiValidation.unknownProtocol(slug)
        }
        let provider = self.provider
        let (detail, meta, freshFor) = try await cachedValue(detailCache, key: slug, what: "DeFi protocol \(slug)") {
            () throws(ProviderFailure) in
            let detail = try await provider.protocolDetail(slug)
            return (detail, detail.tvl.last?.ts)
        }
        let row = DefiNormalization.row(detail.current, rank: 1, chain: nil, include: include)
        let history = DefiNormalization.window(detail.tvl, days: days, now: clock.wallMillis())
        return Defi.ProtocolDetail.Result(protocol: row, history: history, meta: meta, freshForS: freshFor)
    }

    /// `defi.chains`: chains by TVL, largest first.
    func chains(_ params: Defi.Chains.Params) async throws(RPCError) -> Defi.Chains.Result {
        if let limit = params.limit { _ = try DefiValidation.range(limit, 1...1_000, name: "limit") }
        let (all, meta, freshFor) = try await allChains()
        let sorted = all.sorted { $0.tvl != $1.tvl ? $0.tvl > $1.tvl : $0.name < $1.name }
        let total = sorted.reduce(Amount(0)) { $0 + $1.tvl }
        let rows = sorted.prefix(params.limit ?? sorted.count).enumerated().map { index, chain in
            Defi.Chain(rank: index + 1, name: chain.name, tvl: chain.tvl, tokenSymbol: chain.tokenSymbol, geckoId: chain.geckoId,
                       chainId: chain.chainId)
        }
        return Defi.Chains.Result(chains: Array(rows), totalTvl: total, meta: meta, freshForS: freshFor)
    }

    /// `defi.tvl_chart`: DefiLlama's daily TVL (all chains or one) over the last `days` days.
    func tvlChart(_ params: Defi.TvlChart.Params) async throws(RPCError) -> Defi.TvlChart.Result {
        let days = try DefiValidation.range(params.days, Defi.Limits.days, name: "days")
        let chain: String?
        if let asked = params.chain { chain = try await resolveChain(asked) } else { chain = nil }
        let provider = self.provider
        let points: [TvlPoint], meta: DataMeta, freshFor: Double
        do throws(RPCError) {
            (points, meta, freshFor) = try await cachedValue(
                historyCache, key: chain ?? "", what: chain.map { "the TVL history of \($0)" } ?? "the total TVL history") {
                () throws(ProviderFailure) in
                let points = try await provider.historicalChainTvl(chain: chain)
                return (points, points.last?.ts)
            }
        } catch {
            // The resolved chain travels with the problem, so the gateway can fall back to stored snapshots of it.
            var failure = error
            if let chain { failure.data?.extensions["chain"] = .string(chain) }
            throw failure
        }
        return Defi.TvlChart.Result(chain: chain, points: DefiNormalization.window(points, days: days, now: clock.wallMillis()),
                                    meta: meta, freshForS: freshFor)
    }
}
