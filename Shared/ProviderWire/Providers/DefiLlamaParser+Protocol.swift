import CryptoModels

extension DefiLlamaParser {
    /// `/protocol/{slug}`: the protocol's current TVL split (from `currentChainTvls`) and its TVL history
    /// (`tvl: [{date, totalLiquidityUSD}]`, and per key of `chainTvls: {key: {tvl: [...]}}`).
    ///
    /// The current `tvl` is the sum of the plain chains of `currentChainTvls`; when that map is absent or
    /// empty it is the last point of the history.
    /// - Parameter slug: the slug that was requested (the response has no `slug` field).
    /// - Throws: ``ProviderWireError/emptyResult(provider:detail:)`` when there is neither a current split nor
    ///   any history.
    public static func parseProtocol(_ body: some Collection<UInt8>, slug: String) throws(ProviderWireError) -> ProtocolHistory {
        let fields = try wire.object(try root(body), "the /protocol body")
        let name = try wire.string(fields["name"], "`name` of /protocol")
        var tvlHistory: [TvlPoint] = []
        if let series = fields["tvl"] {
            tvlHistory = try tvlPoints(series, valueKey: "totalLiquidityUSD", what: "`tvl`")
        }
        var chainHistory: [String: [TvlPoint]] = [:]
        if let chainTvls = fields["chainTvls"]?.object {
            for (key, value) in chainTvls {
                guard let series = value["tvl"] else { continue }
                chainHistory[key] = try tvlPoints(series, valueKey: "totalLiquidityUSD", what: "`chainTvls.\(key).tvl`")
            }
        }
        let currentMap = fields["currentChainTvls"]?.object ?? JSONObject(keys: [], values: [])
        let split = splitChainTvls(currentMap)
        let tvl: Amount
        if !split.chains.isEmpty {
            tvl = Amount(split.chains.values.reduce(0) { $0 + $1.value })
        } else if let last = tvlHistory.last {
            tvl = last.tvl
        } else {
            throw .emptyResult(provider: .defillama, detail: "/protocol/\(slug) has neither currentChainTvls nor a tvl history")
        }
        let current = DefiProtocol(
            slug: slug, name: name, category: fields["category"]?.string,
            chains: fields["chains"]?.array?.compactMap(\.string) ?? split.chains.keys.sorted(),
            tvl: tvl, chainTvls: split.chains, extraTvls: split.extras,
            change1dPct: fields["change_1d"]?.double, change7dPct: fields["change_7d"]?.double,
            geckoId: fields["gecko_id"]?.string, chainExtraTvls: splitChainExtras(currentMap))
        return ProtocolHistory(current: current, tvl: tvlHistory, chainTvl: chainHistory)
    }
}
