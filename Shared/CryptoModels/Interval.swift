/// A candle interval supported by the public API.
public enum Interval: String, Sendable, Hashable, Codable, CaseIterable {
    case m1 = "1m", m5 = "5m", m15 = "15m", h1 = "1h", h4 = "4h", d1 = "1d", w1 = "1w"

    /// The interval's length in seconds.
    public var seconds: Int64 {
        switch self {
        case .m1: 60
        case .m5: 300
        case .m15: 900
        case .h1: 3_600
        case .h4: 14_400
        case .d1: 86_400
        case .w1: 604_800
        }
    }

    /// The interval's length in milliseconds.
    public var milliseconds: Int64 { seconds * 1_000 }

    /// The open time (epoch ms) of the candle containing `ms`. Weekly candles open on Monday 00:00 UTC, as on Binance.
    public func openTime(containing ms: Int64) -> Int64 {
        if self == .w1 {
            // 1970-01-01 was a Thursday; Monday 1970-01-05 is 4 days later.
            let offset: Int64 = 4 * 86_400_000
            let shifted = ms - offset
            return shifted - ((shifted % milliseconds) + milliseconds) % milliseconds + offset
        }
        return ms - ((ms % milliseconds) + milliseconds) % milliseconds
    }
}
