import CryptoModels

/// Public JSON shapes of the market routes: the domain values plus ISO-8601 `time` beside every epoch-ms `ts`.
enum MarketViews {
    /// A quote with its time.
    struct QuoteView: Encodable, Sendable {
        let quote: Quote
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(quote.symbol, forKey: .symbol)
            try c.encode(quote.vs, forKey: .vs)
            try c.encode(quote.price, forKey: .price)
            try c.encodeIfPresent(quote.marketCap, forKey: .marketCap)
            try c.encodeIfPresent(quote.volume24h, forKey: .volume24h)
            try c.encodeIfPresent(quote.change24hPct, forKey: .change24hPct)
            try c.encode(quote.ts, forKey: .ts)
            try c.encode(Timestamps.iso8601(quote.ts), forKey: .time)
        }
        enum Keys: String, CodingKey {
            case symbol, vs, price, marketCap = "market_cap", volume24h = "volume_24h", change24hPct = "change_24h_pct", ts, time
        }
    }

    /// A candle with its open time as ISO text.
    struct CandleView: Encodable, Sendable {
        let candle: Candle
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(candle.openTime, forKey: .ts)
            try c.encode(Timestamps.iso8601(candle.openTime), forKey: .time)
            try c.encode(candle.open, forKey: .open)
            try c.encode(candle.high, forKey: .high)
            try c.encode(candle.low, forKey: .low)
            try c.encode(candle.close, forKey: .close)
            try c.encodeIfPresent(candle.volume, forKey: .volume)
            try c.encode(candle.closed, forKey: .closed)
        }
        enum Keys: String, CodingKey { case ts, time, open, high, low, close, volume, closed }
    }

    /// The OHLCV body's `data`.
    struct SeriesView: Encodable, Sendable {
        let symbol: String
        let interval: String
        let quote: String
        let candles: [CandleView]
    }

    /// A market row with its time.
    struct MarketEntryView: Encodable, Sendable {
        let entry: MarketEntry
        func encode(to encoder: any Encoder) throws {
            try entry.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            if let ts = entry.ts { try c.encode(Timestamps.iso8601(ts), forKey: .time) }
        }
        enum Keys: String, CodingKey { case time }
    }

    /// Global figures with their time.
    struct GlobalView: Encodable, Sendable {
        let global: GlobalMarket
        func encode(to encoder: any Encoder) throws {
            try global.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(Timestamps.iso8601(global.ts), forKey: .time)
        }
        enum Keys: String, CodingKey { case time }
    }
}
