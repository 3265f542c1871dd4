import CryptoModels
import RPC

/// defi-svc's public contract: DefiLlama protocol TVLs, chain TVLs and daily TVL history.
///
/// Every result carries a ``DataMeta`` (source, as_of, fetched_at, age_s, stale, cached) and `fresh_for_s`, the
/// seconds the answer stays fresh in defi-svc's cache (1 h by default). TVL is plain TVL: the extra kinds DefiLlama
/// reports (`staking`, `pool2`, `borrowed`, …) are added only when named in `include`. Errors are problems:
/// `invalid-parameter` (400), `unknown-protocol` (404), `unknown-chain` (404), `upstream-unavailable` (503, with
/// `providers` and `retry_after_s`), `upstream-rate-limited` (429).
public enum Defi {
    /// Input limits shared by the gateway (cheap syntax checks) and defi-svc (authoritative checks).
    public enum Limits {
        /// Allowed protocol list sizes.
        public static let protocolLimit = 1...500
        /// Default protocol list size.
        public static let defaultProtocolLimit = 20
        /// Allowed `days` of a TVL chart or a protocol's history.
        public static let days = 1...3_650
        /// Extra TVL kinds accepted by `include`, in DefiLlama's spelling.
        public static let includeKinds = ["staking", "pool2", "borrowed", "doublecounted", "liquidstaking",
                                          "dcAndLsOverlap", "vesting", "treasury", "offers", "govtokens"]
        /// Longest chain name or slug accepted.
        public static let maxNameLength = 64
    }

    /// `defi.protocols`: protocols ranked by TVL, optionally only those on one chain (ranked by their TVL there).
    public enum Protocols: RPCMethod {
        public static let name = "defi.protocols"
        /// Size, chain and extra kinds.
        public struct Params: Codable, Sendable, Hashable {
            /// Rows, 1…500.
            public var limit: Int
            /// Only protocols on this chain (case-insensitive; answered in DefiLlama's spelling).
            public var chain: String?
            /// Extra TVL kinds to add into `tvl`, `chain_tvl` and `chain_tvls` (see ``Limits/includeKinds``).
            public var include: [String]
            /// Creates the parameters.
            public init(limit: Int = Limits.defaultProtocolLimit, chain: String? = nil, include: [String] = []) {
                self.limit = limit
                self.chain = chain
                self.include = include
            }
        }
        /// The rows plus provenance.
        public struct Result: Codable, Sendable, Hashable {
            /// Rows by rank.
            public var protocols: [ProtocolRow]
            /// Protocols that matched before `limit` was applied.
            public var matched: Int
            /// Sum of the matched protocols' TVL (on the chain when one was asked), with the included kinds.
            public var totalTvl: Amount
            /// The chain in DefiLlama's spelling, when one was asked.
            public var chain: String?
            /// The included kinds, canonical spelling.
            public var include: [String]
            /// Provenance and freshness.
            public var meta: DataMeta
            /// Seconds the answer stays fresh in cache.
            public var freshForS: Double
            /// Creates the result.
            public init(protocols: [ProtocolRow], matched: Int, totalTvl: Amount, chain: String?, include: [String],
                        meta: DataMeta, freshForS: Double) {
                self.protocols = protocols
                self.matched = matched
                self.totalTvl = totalTvl
                self.chain = chain
                self.include = include
                self.meta = meta
                self.freshForS = freshForS
            }
            enum CodingKeys: String, CodingKey {
                case protocols, matched, totalTvl = "total_tvl", chain, include, meta, freshForS = "fresh_for_s"
            }
        }
    }

    /// `defi.protocol`: one protocol now (DefiLlama `/protocol/{slug}`) and its recent daily TVL.
    public enum ProtocolDetail: RPCMethod {
        public static let name = "defi.protocol"
        /// The protocol.
        public struct Params: Codable, Sendable, Hashable {
            /// DefiLlama slug (`aave`), case-insensitive.
            public var slug: String
            /// Days of TVL history to return, 1…3650.
            public var days: Int
            /// Extra TVL kinds to add into `tvl` and `chain_tvls`.
            public var include: [String]
            /// Creates the parameters.
            public init(slug: String, days: Int = 30, include: [String] = []) {
                self.slug = slug
                self.days = days
                self.include = include
            }
        }
        /// The protocol plus provenance.
        public struct Result: Codable, Sendable, Hashable {
            /// Current figures.
            public var `protocol`: ProtocolRow
            /// Daily total TVL over the asked days, ascending (plain TVL, as DefiLlama's history reports it).
            public var history: [TvlPoint]
            /// Provenance and freshness.
            public var meta: DataMeta
            /// Seconds the answer stays fresh in cache.
            public var freshForS: Double
            /// Creates the result.
            public init(protocol: ProtocolRow, history: [TvlPoint], meta: DataMeta, freshForS: Double) {
                self.protocol = `protocol`
                self.history = history
                self.meta = meta
                self.freshForS = freshForS
            }
            enum CodingKeys: String, CodingKey { case `protocol`, history, meta, freshForS = "fresh_for_s" }
        }
    }

    /// `defi.chains`: every chain's current TVL, largest first.
    public enum Chains: RPCMethod {
        public static let name = "defi.chains"
        /// How many.
        public struct Params: Codable, Sendable, Hashable {
            /// Most chains returned; all when nil.
            public var limit: Int?
            /// Creates the parameters.
            public init(limit: Int? = nil) { self.limit = limit }
        }
        /// The chains plus provenance.
        public struct Result: Codable, Sendable, Hashable {
            /// Chains by TVL, largest first.
            public var chains: [Chain]
            /// Sum of every chain's TVL.
            public var totalTvl: Amount
            /// Provenance and freshness.
            public var meta: DataMeta
            /// Seconds the answer stays fresh in cache.
            public var freshForS: Double
            /// Creates the result.
            public init(chains: [Chain], totalTvl: Amount, meta: DataMeta, freshForS: Double) {
                self.chains = chains
                self.totalTvl = totalTvl
                self.meta = meta
                self.freshForS = freshForS
            }
            enum CodingKeys: String, CodingKey { case chains, totalTvl = "total_tvl", meta, freshForS = "fresh_for_s" }
        }
    }

    /// `defi.tvl_chart`: DefiLlama's daily TVL history (`/v2/historicalChainTvl[/{chain}]`) over the last `days`.
    public enum TvlChart: RPCMethod {
        public static let name = "defi.tvl_chart"
        /// Chain and window.
        public struct Params: Codable, Sendable, Hashable {
            /// One chain (case-insensitive), or every chain when nil.
            public var chain: String?
            /// Days back from now, 1…3650.
            public var days: Int
            /// Creates the parameters.
            public init(chain: String? = nil, days: Int = 30) {
                self.chain = chain
                self.days = days
            }
        }
        /// The points plus provenance.
        public struct Result: Codable, Sendable, Hashable {
            /// The chain in DefiLlama's spelling, nil for all chains.
            public var chain: String?
            /// Daily points (00:00 UTC) within the window, ascending.
            public var points: [TvlPoint]
            /// Provenance and freshness (`as_of` is the newest point of the whole series).
            public var meta: DataMeta
            /// Seconds the answer stays fresh in cache.
            public var freshForS: Double
            /// Creates the result.
            public init(chain: String?, points: [TvlPoint], meta: DataMeta, freshForS: Double) {
                self.chain = chain
                self.points = points
                self.meta = meta
                self.freshForS = freshForS
            }
            enum CodingKeys: String, CodingKey { case chain, points, meta, freshForS = "fresh_for_s" }
        }
    }
}
