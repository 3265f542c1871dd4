import CryptoModels

extension Defi {
    /// One protocol as defi-svc answers it: DefiLlama's figures with the asked extra kinds added in.
    public struct ProtocolRow: Codable, Sendable, Hashable {
        /// Rank in the answer, from 1.
        public var rank: Int
        /// DefiLlama slug (`aave`).
        public var slug: String
        /// Display name.
        public var name: String
        /// Category (`Dexes`, `Lending`, …), when known.
        public var category: String?
        /// Chains the protocol is deployed on.
        public var chains: [String]
        /// Total TVL in USD: plain TVL plus the included kinds.
        public var tvl: Amount
        /// TVL on the asked chain (plain plus the included kinds), when a chain was asked.
        public var chainTvl: Amount?
        /// TVL per chain (plain plus the included kinds of that chain).
        public var chainTvls: [String: Amount]
        /// Extra kinds summed over chains (`staking`, `pool2`, `borrowed`, …), always reported apart.
        public var extraTvls: [String: Amount]
        /// Change over 1 day in percent, when known.
        public var change1dPct: Double?
        /// Change over 7 days in percent, when known.
        public var change7dPct: Double?
        /// CoinGecko id of its token, when known.
        public var geckoId: String?

        /// Creates a row.
        public init(rank: Int, slug: String, name: String, category: String?, chains: [String], tvl: Amount, chainTvl: Amount?,
                    chainTvls: [String: Amount], extraTvls: [String: Amount], change1dPct: Double?, change7dPct: Double?,
                    geckoId: String?) {
            self.rank = rank
            self.slug = slug
            self.name = name
            self.category = category
            self.chains = chains
            self.tvl = tvl
            self.chainTvl = chainTvl
            self.chainTvls = chainTvls
            self.extraTvls = extraTvls
            self.change1dPct = change1dPct
            self.change7dPct = change7dPct
            self.geckoId = geckoId
        }

        enum CodingKeys: String, CodingKey {
            case rank, slug, name, category, chains, tvl, chainTvl = "chain_tvl", chainTvls = "chain_tvls",
                 extraTvls = "extra_tvls", change1dPct = "change_1d_pct", change7dPct = "change_7d_pct", geckoId = "gecko_id"
        }
    }

    /// One chain of DefiLlama's `/v2/chains`.
    public struct Chain: Codable, Sendable, Hashable {
        /// Rank by TVL, from 1.
        public var rank: Int
        /// Chain name in DefiLlama's spelling (`Ethereum`).
        public var name: String
        /// TVL in USD.
        public var tvl: Amount
        /// Native token symbol, when it has one.
        public var tokenSymbol: String?
        /// CoinGecko id of the native token, when known.
        public var geckoId: String?
        /// EVM chain id, when it has one.
        public var chainId: Int64?

        /// Creates a chain row.
        public init(rank: Int, name: String, tvl: Amount, tokenSymbol: String?, geckoId: String?, chainId: Int64?) {
            self.rank = rank
            self.name = name
            self.tvl = tvl
            self.tokenSymbol = tokenSymbol
            self.geckoId = geckoId
            self.chainId = chainId
        }

        enum CodingKeys: String, CodingKey {
            case rank, name, tvl, tokenSymbol = "token_symbol", geckoId = "gecko_id", chainId = "chain_id"
        }
    }
}
