import CryptoModels
import RPC

/// store-svc's contract. The write methods used by market-svc are here; the other writes, the queries, API keys and
/// housekeeping are in `Store+Writes.swift`, `Store+Queries.swift`, `Store+Keys.swift` and `Store+Admin.swift`.
public enum Store {
    /// `store.prices.insert`: appends quotes observed from `source`; idempotent per (symbol, vs, ts).
    public enum InsertPrices: RPCMethod {
        public static let name = "store.prices.insert"
        /// The quotes and where they came from.
        public struct Params: Codable, Sendable, Hashable {
            /// Quotes to store.
            public var quotes: [Quote]
            /// Provider name.
            public var source: String
            /// Creates the parameters.
            public init(quotes: [Quote], source: String) {
                self.quotes = quotes
                self.source = source
            }
        }
        public typealias Result = WriteResult
    }

    /// `store.ohlcv.upsert`: stores candles of one market and interval; a later closed candle replaces an open one.
    public enum UpsertCandles: RPCMethod {
        public static let name = "store.ohlcv.upsert"
        /// The candles and their market.
        public struct Params: Codable, Sendable, Hashable {
            /// Market or canonical symbol (`BTCUSDT`, `BTC`).
            public var symbol: String
            /// Candle interval.
            public var interval: Interval
            /// Candles to store.
            public var candles: [Candle]
            /// Provider name.
            public var source: String
            /// Creates the parameters.
            public init(symbol: String, interval: Interval, candles: [Candle], source: String) {
                self.symbol = symbol
                self.interval = interval
                self.candles = candles
                self.source = source
            }
        }
        public typealias Result = WriteResult
    }

    /// `store.market.insert`: a market listing snapshot.
    public enum InsertMarketSnapshot: RPCMethod {
        public static let name = "store.market.insert"
        /// The snapshot.
        public struct Params: Codable, Sendable, Hashable {
            /// Provider name.
            public var source: String
            /// When the snapshot was taken (epoch ms).
            public var ts: EpochMillis
            /// Quote currency of the prices.
            public var vs: String
            /// The rows.
            public var entries: [MarketEntry]
            /// Creates the parameters.
            public init(source: String, ts: EpochMillis, vs: String, entries: [MarketEntry]) {
                self.source = source
                self.ts = ts
                self.vs = vs
                self.entries = entries
            }
        }
        public typealias Result = WriteResult
    }

    /// How many rows a write changed.
    public struct WriteResult: Codable, Sendable, Hashable {
        /// Rows inserted or replaced.
        public var changed: Int
        /// Creates the result.
        public init(changed: Int) { self.changed = changed }
    }
}
