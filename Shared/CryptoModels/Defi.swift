/// A DeFi protocol and its total value locked, as DefiLlama reports it.
public struct DefiProtocol: Sendable, Hashable, Codable {
    /// DefiLlama slug (`uniswap`).
    public var slug: String
    /// Display name.
    public var name: String
    /// Category (`Dexes`, `Lending`, …), when known.
    public var category: String?
    /// Chains the protocol is deployed on.
    public var chains: [String]
    /// Total value locked in USD (excluding staking/pool2/borrowed unless they are asked for).
    public var tvl: Amount
    /// TVL per chain, plain chains only (compound keys such as `Ethereum-staking` are split out).
    public var chainTvls: [String: Amount]
    /// Extra TVL kinds per name (`staking`, `pool2`, `borrowed`, …) summed over chains.
    public var extraTvls: [String: Amount]
    /// Change over 1 day in percent, when known.
    public var change1dPct: Double?
    /// Change over 7 days in percent, when known.
    public var change7dPct: Double?
    /// CoinGecko id of its token, when known.
    public var geckoId: String?
    /// Extra TVL kinds per chain (`Ethereum` → `staking` → amount), from compound keys such as `Ethereum-staking`;
    /// nil when not known (e.g. read back from stored snapshots).
    public var chainExtraTvls: [String: [String: Amount]]?

    /// Creates a protocol record.
    public init(slug: String, name: String, category: String?, chains: [String], tvl: Amount, chainTvls: [String: Amount],
                extraTvls: [String: Amount] = [:], change1dPct: Double? = nil, change7dPct: Double? = nil, geckoId: String? = nil,
                chainExtraTvls: [String: [String: Amount]]? = nil) {
        self.slug = slug
        self.name = name
        self.category = category
        self.chains = chains
        self.tvl = tvl
        self.chainTvls = chainTvls
        self.extraTvls = extraTvls
        self.change1dPct = change1dPct
        self.change7dPct = change7dPct
        self.geckoId = geckoId
        self.chainExtraTvls = chainExtraTvls
    }

    enum CodingKeys: String, CodingKey {
        case slug, name, category, chains, tvl, chainTvls = "chain_tvls", extraTvls = "extra_tvls",
             change1dPct = "change_1d_pct", change7dPct = "change_7d_pct", geckoId = "gecko_id",
             chainExtraTvls = "chain_extra_tvls"
    }
}

/// One day of total value locked.
public struct TvlPoint: Sendable, Hashable, Codable {
    /// Day (epoch ms at 00:00 UTC, or the provider's timestamp).
    public var ts: EpochMillis
    /// TVL in USD.
    public var tvl: Amount

    /// Creates a point.
    public init(ts: EpochMillis, tvl: Amount) {
        self.ts = ts
        self.tvl = tvl
    }
}
