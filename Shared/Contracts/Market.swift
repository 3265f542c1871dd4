import CryptoModels
import RPC

/// market-svc's public contract: prices, market listings, global figures, trending coins, OHLCV and symbol lookup.
///
/// Every result carries a ``DataMeta`` (source, as_of, fetched_at, age_s, stale, cached) and `fresh_for_s`, the
/// seconds the answer stays fresh in market-svc's cache (the gateway's `Cache-Control: max-age`). Errors are
/// problems: `invalid-parameter` (400), `unknown-asset` (404), `ambiguous-symbol` (400, with `candidates`),
/// `upstream-unavailable` (503, with `providers` and `retry_after_s`), `upstream-rate-limited` (429).
public enum Market {
    /// Input limits shared by the gateway (cheap syntax checks) and market-svc (authoritative checks).
    public enum Limits {
        /// Most symbols in one prices call.
        public static let maxSymbols = 50
        /// Allowed OHLCV candle counts.
        public static let ohlcvLimit = 1...1_000
        /// Allowed market listing sizes.
        public static let marketLimit = 1...250
        /// Trending coins returned.
        public static let trendingCount = 7
        /// Quote currencies accepted by `vs`.
        public static let vsCurrencies = ["usd", "eur", "gbp", "jpy", "btc", "eth", "usdt"]
    }

    /// `market.prices`: latest quotes of up to 50 symbols in one quote currency.
    public enum Prices: RPCMethod {
        public static let name = "market.prices"
        /// The symbols (canonical tickers like `BTC`, or CoinGecko ids) and the quote currency.
        public struct Params: Codable, Sendable, Hashable {
            /// Symbols, 1…50.
            public var symbols: [String]
            /// Quote currency, lower-case (`usd`).
            public var vs: String
            /// Creates the parameters.
            public init(symbols: [String], vs: String = "usd") {
                self.symbols = symbols
                self.vs = vs
            }
        }
        /// Quotes in the order asked, plus provenance.
        public struct Result: Codable, Sendable, Hashable {
            /// One quote per requested symbol.
            public var quotes: [Quote]
            /// Provenance and freshness (of the oldest quote when they differ).
            public var meta: DataMeta
            /// Seconds the answer stays fresh in cache.
            public var freshForS: Double
            /// Creates the result.
            public init(quotes: [Quote], meta: DataMeta, freshForS: Double) {
                self.quotes = quotes
                self.meta = meta
                self.freshForS = freshForS
            }
            enum CodingKeys: String, CodingKey { case quotes, meta, freshForS = "fresh_for_s" }
        }
    }

    /// `market.markets`: the market listing ranked by market capitalisation.
    public enum Markets: RPCMethod {
        public static let name = "market.markets"
        /// Listing size and quote currency.
        public struct Params: Codable, Sendable, Hashable {
            /// Rows, 1…250.
            public var limit: Int
            /// Quote currency.
            public var vs: String
            /// Creates the parameters.
            public init(limit: Int = 100, vs: String = "usd") {
                self.limit = limit
                self.vs = vs
            }
        }
        /// The rows plus provenance.
        public struct Result: Codable, Sendable, Hashable {
            /// Rows by rank.
            public var entries: [MarketEntry]
            /// Provenance and freshness.
            public var meta: DataMeta
            /// Seconds the answer stays fresh in cache.
            public var freshForS: Double
            /// Creates the result.
            public init(entries: [MarketEntry], meta: DataMeta, freshForS: Double) {
                self.entries = entries
                self.meta = meta
                self.freshForS = freshForS
            }
            enum CodingKeys: String, CodingKey { case entries, meta, freshForS = "fresh_for_s" }
        }
    }

    /// `market.global`: whole-market figures.
    public enum Global: RPCMethod {
        public static let name = "market.global"
        public typealias Params = NoParams
        /// The figures plus provenance.
        public struct Result: Codable, Sendable, Hashable {
            /// The figures.
            public var global: GlobalMarket
            /// Provenance and freshness.
            public var meta: DataMeta
            /// Seconds the answer stays fresh in cache.
            public var freshForS: Double
            /// Creates the result.
            public init(global: GlobalMarket, meta: DataMeta, freshForS: Double) {
                self.global = global
                self.meta = meta
                self.freshForS = freshForS
            }
            enum CodingKeys: String, CodingKey { case global, meta, freshForS = "fresh_for_s" }
        }
    }

    /// `market.trending`: the top trending coins (7).
    public enum Trending: RPCMethod {
        public static let name = "market.trending"
        public typealias Params = NoParams
        /// The coins plus provenance.
        public struct Result: Codable, Sendable, Hashable {
            /// Trending coins, most trending first.
            public var coins: [TrendingCoin]
            /// Provenance and freshness.
            public var meta: DataMeta
            /// Seconds the answer stays fresh in cache.
            public var freshForS: Double
            /// Creates the result.
            public init(coins: [TrendingCoin], meta: DataMeta, freshForS: Double) {
                self.coins = coins
                self.meta = meta
                self.freshForS = freshForS
            }
            enum CodingKeys: String, CodingKey { case coins, meta, freshForS = "fresh_for_s" }
        }
    }

    /// `market.ohlcv`: candles of one market.
    public enum OHLCV: RPCMethod {
        public static let name = "market.ohlcv"
        /// Market, interval, count and optional time range.
        public struct Params: Codable, Sendable, Hashable {
            /// `BTCUSDT`, `BTC-USD`, or a canonical symbol `BTC` (quoted in USD).
            public var symbol: String
            /// `1m`, `5m`, `15m`, `1h`, `4h`, `1d` or `1w`.
            public var interval: String
            /// Candles, 1…1000 (the most recent ones in the range).
            public var limit: Int
            /// Earliest open time (epoch ms), inclusive.
            public var start: Int64?
            /// Latest open time (epoch ms), inclusive.
            public var end: Int64?
            /// Creates the parameters.
            public init(symbol: String, interval: String, limit: Int = 100, start: Int64? = nil, end: Int64? = nil) {
                self.symbol = symbol
                self.interval = interval
                self.limit = limit
                self.start = start
                self.end = end
            }
        }
        /// The candles plus provenance.
        public struct Result: Codable, Sendable, Hashable {
            /// The series (ascending open time; each candle says whether it is closed).
            public var series: CandleSeries
            /// The quote currency of the prices (`usdt`, `usd`).
            public var quote: String
            /// Provenance and freshness.
            public var meta: DataMeta
            /// Seconds the answer stays fresh in cache.
            public var freshForS: Double
            /// Creates the result.
            public init(series: CandleSeries, quote: String, meta: DataMeta, freshForS: Double) {
                self.series = series
                self.quote = quote
                self.meta = meta
                self.freshForS = freshForS
            }
            enum CodingKeys: String, CodingKey { case series, quote, meta, freshForS = "fresh_for_s" }
        }
    }

    /// `market.resolve`: what a symbol means (its canonical asset and provider ids).
    public enum Resolve: RPCMethod {
        public static let name = "market.resolve"
        /// The symbol to look up.
        public struct Params: Codable, Sendable, Hashable {
            /// A ticker (`BTC`), a market (`BTCUSDT`) or a CoinGecko id (`bitcoin`).
            public var symbol: String
            /// Creates the parameters.
            public init(symbol: String) { self.symbol = symbol }
        }
        /// The asset.
        public struct Result: Codable, Sendable, Hashable {
            /// The canonical asset with its provider ids.
            public var asset: Asset
            /// The quote asset when the symbol named a market (`USDT` for `BTCUSDT`).
            public var quote: String?
            /// Creates the result.
            public init(asset: Asset, quote: String?) {
                self.asset = asset
                self.quote = quote
            }
        }
    }

    /// Notification `market.prices`: quotes the collector fetched.
    public enum PricesTopic: RPCTopic {
        public static let name = "market.prices"
        /// The quotes and their provenance.
        public struct Payload: Codable, Sendable, Hashable {
            /// Quotes.
            public var quotes: [Quote]
            /// Provenance.
            public var meta: DataMeta
            /// Creates the payload.
            public init(quotes: [Quote], meta: DataMeta) {
                self.quotes = quotes
                self.meta = meta
            }
        }
    }

    /// Notification `market.candle`: the latest candle of a watched market.
    public enum CandleTopic: RPCTopic {
        public static let name = "market.candle"
        /// One candle of one market and interval.
        public struct Payload: Codable, Sendable, Hashable {
            /// Market (`BTCUSDT`).
            public var symbol: String
            /// Interval.
            public var interval: Interval
            /// The candle (open or closed).
            public var candle: Candle
            /// Provider.
            public var source: String
            /// Creates the payload.
            public init(symbol: String, interval: Interval, candle: Candle, source: String) {
                self.symbol = symbol
                self.interval = interval
                self.candle = candle
                self.source = source
            }
        }
    }
}
