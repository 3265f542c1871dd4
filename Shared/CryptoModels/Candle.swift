/// One OHLCV candle, stamped with its open time.
public struct Candle: Sendable, Hashable, Codable {
    /// Open time (epoch ms).
    public var openTime: EpochMillis
    /// Opening price.
    public var open: Amount
    /// Highest price.
    public var high: Amount
    /// Lowest price.
    public var low: Amount
    /// Closing (or latest, while open) price.
    public var close: Amount
    /// Base-asset volume; `nil` where the provider has none (CoinGecko OHLC).
    public var volume: Amount?
    /// Whether the candle's interval has ended.
    public var closed: Bool

    /// Creates a candle.
    public init(openTime: EpochMillis, open: Amount, high: Amount, low: Amount, close: Amount, volume: Amount?, closed: Bool) {
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.closed = closed
    }

    enum CodingKeys: String, CodingKey {
        case openTime = "ts", open, high, low, close, volume, closed
    }
}

/// A run of candles of one market and interval.
public struct CandleSeries: Sendable, Hashable, Codable {
    /// The market, e.g. `BTCUSDT` or the canonical symbol `BTC`.
    public var symbol: String
    /// The candle interval.
    public var interval: Interval
    /// Candles in ascending open time.
    public var candles: [Candle]

    /// Creates a series.
    public init(symbol: String, interval: Interval, candles: [Candle]) {
        self.symbol = symbol
        self.interval = interval
        self.candles = candles
    }
}

/// A `[time, price]` point of a price history.
public struct PricePoint: Sendable, Hashable, Codable {
    /// Time of the observation (epoch ms).
    public var ts: EpochMillis
    /// Price at that time.
    public var price: Amount

    /// Creates a point.
    public init(ts: EpochMillis, price: Amount) {
        self.ts = ts
        self.price = price
    }
}
