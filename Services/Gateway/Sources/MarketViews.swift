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
            try c.encode(FastISO8601.string(quote.ts), forKey: .time)
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
            try c.encode(FastISO8601.string(candle.openTime), forKey: .time)
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
            if let ts = entry.ts { try c.encode(FastISO8601.string(ts), forKey: .time) }
        }
        enum Keys: String, CodingKey { case time }
    }

    /// Global figures with their time.
    struct GlobalView: Encodable, Sendable {
        let global: GlobalMarket
        func encode(to encoder: any Encoder) throws {
            try global.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(FastISO8601.string(global.ts), forKey: .time)
        }
        enum Keys: String, CodingKey { case time }
    }
}

/// ISO-8601 UTC text of epoch milliseconds without Foundation's formatters (this runs on every quote and candle
/// of the hot routes): `2024-03-25T08:45:00.000Z`, identical to `Timestamps.iso8601`.
enum FastISO8601 {
    static func string(_ ms: Int64) -> String {
        let millis = Int(((ms % 1_000) + 1_000) % 1_000)
        let seconds = (ms - Int64(millis)) / 1_000
        var days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        // Howard Hinnant's civil_from_days.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: 0x30, count: width)
            var rest = value
            for index in stride(from: width - 1, through: 0, by: -1) {
                digits[index] = UInt8(0x30 + rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: digits)
        }
        put(year, 4); bytes.append(0x2D); put(month, 2); bytes.append(0x2D); put(day, 2); bytes.append(0x54)
        put(secondOfDay / 3_600, 2); bytes.append(0x3A); put(secondOfDay / 60 % 60, 2); bytes.append(0x3A)
        put(secondOfDay % 60, 2); bytes.append(0x2E); put(millis, 3); bytes.append(0x5A)
        return String(decoding: bytes, as: UTF8.self)
    }
}
