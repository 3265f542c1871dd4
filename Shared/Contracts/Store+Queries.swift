import CryptoModels
import RPC

/// store-svc's history queries. Times are epoch ms, ranges inclusive. A symbol the store has never seen fails with
/// the problem `unknown-asset` (404), a protocol with `unknown-protocol` (404), bad arguments with `invalid-parameter`.
extension Store {
    /// `store.prices.history`: prices of one symbol, ascending, downsampled to at most `max_points`.
    public enum PriceHistory: RPCMethod {
        public static let name = "store.prices.history"
        /// The series and window.
        public struct Params: Codable, Sendable, Hashable {
            /// Canonical symbol (`BTC`).
            public var symbol: String
            /// Quote currency (`usd`).
            public var vs: String
            /// Window start.
            public var from: EpochMillis
            /// Window end.
            public var to: EpochMillis
            /// Most points returned (1…10000).
            public var maxPoints: Int
            /// Creates the parameters.
            public init(symbol: String, vs: String = "usd", from: EpochMillis, to: EpochMillis, maxPoints: Int = 500) {
                self.symbol = symbol
                self.vs = vs
                self.from = from
                self.to = to
                self.maxPoints = maxPoints
            }
            enum CodingKeys: String, CodingKey { case symbol, vs, from, to, maxPoints = "max_points" }
        }
        /// The points.
        public struct Result: Codable, Sendable, Hashable {
            /// The symbol asked for.
            public var symbol: String
            /// The quote currency.
            public var vs: String
            /// Points, ascending.
            public var points: [PricePoint]
            /// Creates the result.
            public init(symbol: String, vs: String, points: [PricePoint]) {
                self.symbol = symbol
                self.vs = vs
                self.points = points
            }
        }
    }

    /// `store.ohlcv.range`: candles with `from ≤ open time ≤ to`, ascending; with `limit`, the newest `limit`.
    public enum CandleRange: RPCMethod {
        public static let name = "store.ohlcv.range"
        /// The series and window.
        public struct Params: Codable, Sendable, Hashable {
            /// Market or canonical symbol.
            public var symbol: String
            /// Interval.
            public var interval: Interval
            /// Window start.
            public var from: EpochMillis
            /// Window end.
            public var to: EpochMillis
            /// Most candles (1…100000), newest kept.
            public var limit: Int?
            /// Creates the parameters.
            public init(symbol: String, interval: Interval, from: EpochMillis, to: EpochMillis, limit: Int? = nil) {
                self.symbol = symbol
                self.interval = interval
                self.from = from
                self.to = to
                self.limit = limit
            }
        }
        public typealias Result = CandleSeries
    }

    /// `store.market.history`: one asset's rows in the newest market snapshots that list it, newest first.
    public enum MarketHistory: RPCMethod {
        public static let name = "store.market.history"
        /// The asset and count.
        public struct Params: Codable, Sendable, Hashable {
            /// Symbol (`BTC`, case-insensitive).
            public var symbol: String
            /// Most rows (1…1000).
            public var limit: Int
            /// Creates the parameters.
            public init(symbol: String, limit: Int) {
                self.symbol = symbol
                self.limit = limit
            }
        }
        /// The rows.
        public struct Result: Codable, Sendable, Hashable {
            /// The symbol asked for, upper-case.
            public var symbol: String
            /// Rows, newest first.
            public var points: [MarketHistoryPoint]
            /// Creates the result.
            public init(symbol: String, points: [MarketHistoryPoint]) {
                self.symbol = symbol
                self.points = points
            }
        }
    }

    /// `store.market.latest`: the newest market snapshots, newest first.
    public enum LatestMarketSnapshots: RPCMethod {
        public static let name = "store.market.latest"
        /// How many.
        public struct Params: Codable, Sendable, Hashable {
            /// Most snapshots (1…100).
            public var limit: Int
            /// Creates the parameters.
            public init(limit: Int) { self.limit = limit }
        }
        /// The snapshots.
        public struct Result: Codable, Sendable, Hashable {
            /// Snapshots, newest first.
            public var snapshots: [MarketSnapshot]
            /// Creates the result.
            public init(snapshots: [MarketSnapshot]) { self.snapshots = snapshots }
        }
    }

    /// `store.defi.history`: TVL snapshots of one protocol, ascending.
    public enum DefiHistory: RPCMethod {
        public static let name = "store.defi.history"
        /// The protocol and window.
        public struct Params: Codable, Sendable, Hashable {
            /// DefiLlama slug.
            public var slug: String
            /// Window start.
            public var from: EpochMillis
            /// Window end.
            public var to: EpochMillis
            /// Creates the parameters.
            public init(slug: String, from: EpochMillis, to: EpochMillis) {
                self.slug = slug
                self.from = from
                self.to = to
            }
        }
        /// The points.
        public struct Result: Codable, Sendable, Hashable {
            /// The slug asked for.
            public var slug: String
            /// TVL points, ascending.
            public var points: [TvlPoint]
            /// Creates the result.
            public init(slug: String, points: [TvlPoint]) {
                self.slug = slug
                self.points = points
            }
        }
    }

    /// `store.defi.protocols`: the latest stored snapshot of every protocol taken at or before `at` (now when absent).
    public enum DefiProtocols: RPCMethod {
        public static let name = "store.defi.protocols"
        /// The time.
        public struct Params: Codable, Sendable, Hashable {
            /// Snapshot time bound (epoch ms).
            public var at: EpochMillis?
            /// Creates the parameters.
            public init(at: EpochMillis? = nil) { self.at = at }
        }
        /// The protocols.
        public struct Result: Codable, Sendable, Hashable {
            /// Protocols by slug.
            public var protocols: [DefiProtocol]
            /// Creates the result.
            public init(protocols: [DefiProtocol]) { self.protocols = protocols }
        }
    }

    /// `store.defi.tvl_by_day`: total TVL per UTC day, optionally of one chain.
    public enum TvlByDay: RPCMethod {
        public static let name = "store.defi.tvl_by_day"
        /// The window.
        public struct Params: Codable, Sendable, Hashable {
            /// Window start.
            public var from: EpochMillis
            /// Window end.
            public var to: EpochMillis
            /// Only this chain's TVL.
            public var chain: String?
            /// Creates the parameters.
            public init(from: EpochMillis, to: EpochMillis, chain: String? = nil) {
                self.from = from
                self.to = to
                self.chain = chain
            }
        }
        /// The points.
        public struct Result: Codable, Sendable, Hashable {
            /// One point per day, ascending.
            public var points: [TvlPoint]
            /// Creates the result.
            public init(points: [TvlPoint]) { self.points = points }
        }
    }

    /// `store.news.page`: one page of news, newest first.
    public enum NewsPageQuery: RPCMethod {
        public static let name = "store.news.page"
        /// Filters and page.
        public struct Params: Codable, Sendable, Hashable {
            /// Page number from 1.
            public var page: Int
            /// Items per page (1…500).
            public var pageSize: Int
            /// Only this source.
            public var source: String?
            /// Only items mentioning this symbol.
            public var asset: String?
            /// Only this sentiment label.
            public var sentiment: String?
            /// Creates the parameters.
            public init(page: Int = 1, pageSize: Int = 20, source: String? = nil, asset: String? = nil, sentiment: String? = nil) {
                self.page = page
                self.pageSize = pageSize
                self.source = source
                self.asset = asset
                self.sentiment = sentiment
            }
            enum CodingKeys: String, CodingKey { case page, pageSize = "page_size", source, asset, sentiment }
        }
        public typealias Result = NewsPage
    }

    /// `store.fear_greed.history`: Fear & Greed values, ascending by day.
    public enum FearGreedHistory: RPCMethod {
        public static let name = "store.fear_greed.history"
        public typealias Params = TimeRange
        /// The values.
        public struct Result: Codable, Sendable, Hashable {
            /// Values, ascending.
            public var entries: [FearGreedEntry]
            /// Creates the result.
            public init(entries: [FearGreedEntry]) { self.entries = entries }
        }
    }

    /// `store.providers.status`: aggregated status of every provider.
    public enum ProviderStatuses: RPCMethod {
        public static let name = "store.providers.status"
        public typealias Params = NoParams
        /// The statuses.
        public struct Result: Codable, Sendable, Hashable {
            /// Statuses by name.
            public var providers: [ProviderStatus]
            /// Creates the result.
            public init(providers: [ProviderStatus]) { self.providers = providers }
        }
    }

    /// `store.user_requests.count`: requests recorded for a key (anonymous when `key_id` is null) since a time.
    public enum UserRequestCount: RPCMethod {
        public static let name = "store.user_requests.count"
        /// The key and time.
        public struct Params: Codable, Sendable, Hashable {
            /// Key id, or nil for anonymous requests.
            public var keyID: String?
            /// Start time (epoch ms).
            public var since: EpochMillis
            /// Creates the parameters.
            public init(keyID: String?, since: EpochMillis) {
                self.keyID = keyID
                self.since = since
            }
            enum CodingKeys: String, CodingKey { case keyID = "key_id", since }
        }
        /// The count.
        public struct Result: Codable, Sendable, Hashable {
            /// Requests counted.
            public var count: Int
            /// Creates the result.
            public init(count: Int) { self.count = count }
        }
    }

    /// `store.symbols`: every symbol with stored prices, candles or listings, and every DeFi protocol slug.
    public enum KnownNames: RPCMethod {
        public static let name = "store.symbols"
        public typealias Params = NoParams
        /// The names.
        public struct Result: Codable, Sendable, Hashable {
            /// Symbols, sorted.
            public var symbols: [String]
            /// Protocol slugs, sorted.
            public var protocols: [String]
            /// Creates the result.
            public init(symbols: [String], protocols: [String]) {
                self.symbols = symbols
                self.protocols = protocols
            }
        }
    }

    /// An inclusive time window.
    public struct TimeRange: Codable, Sendable, Hashable {
        /// Start (epoch ms).
        public var from: EpochMillis
        /// End (epoch ms).
        public var to: EpochMillis
        /// Creates the window.
        public init(from: EpochMillis, to: EpochMillis) {
            self.from = from
            self.to = to
        }
    }
}
