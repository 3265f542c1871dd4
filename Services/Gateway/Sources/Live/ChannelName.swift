import CryptoModels

/// A stream a WebSocket client can subscribe to.
///
/// `prices:BTC` (one asset), `prices:*` (every watched asset), `ohlcv:BTCUSDT:1m` (the latest 1-minute candle of a
/// market), `news`, `sentiment`, `defi` and `health`.
public enum LiveChannel: Hashable, Sendable, CustomStringConvertible {
    /// Latest price of one asset (upper-case ticker).
    case prices(String)
    /// Latest prices of every watched asset.
    case allPrices
    /// Latest candle of a market at an interval.
    case ohlcv(market: String, interval: Interval)
    /// Newly stored news items.
    case news
    /// Scored news and the rolling sentiment.
    case sentiment
    /// Refreshed DeFi TVL.
    case defi
    /// Service health, sent when it changes.
    case health

    /// Intervals whose candles are streamed (market-svc's collector polls 1-minute candles).
    public static let streamedIntervals: Set<Interval> = [.m1]

    /// Why a channel name was refused.
    public struct ParseError: Error, Sendable {
        /// Explanation for the client.
        public let detail: String
    }

    /// Parses a channel name.
    public init(parsing name: String) throws(ParseError) {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first ?? "", parts.count) {
        case ("prices", 2):
            if parts[1] == "*" { self = .allPrices; return }
            let symbol = parts[1].uppercased()
            guard Self.isToken(symbol, maxLength: 15) else {
                throw ParseError(detail: "`\(parts[1])` is not a ticker (1–15 letters or digits)")
            }
            self = .prices(symbol)
        case ("ohlcv", 3):
            let market = parts[1].uppercased()
            guard Self.isToken(market, maxLength: 20) else {
                throw ParseError(detail: "`\(parts[1])` is not a market (1–20 letters or digits, e.g. BTCUSDT)")
            }
            guard let interval = Interval(rawValue: parts[2]) else {
                throw ParseError(detail: "`\(parts[2])` is not an interval (1m, 5m, 15m, 1h, 4h, 1d, 1w)")
            }
            guard Self.streamedIntervals.contains(interval) else {
                throw ParseError(detail: "only 1m candles are streamed; use GET /api/ohlcv for \(interval.rawValue)")
            }
            self = .ohlcv(market: market, interval: interval)
        case ("news", 1): self = .news
        case ("sentiment", 1): self = .sentiment
        case ("defi", 1): self = .defi
        case ("health", 1): self = .health
        default:
            throw ParseError(detail: "unknown channel `\(name.prefix(64))`; channels are prices:<SYMBOL>, prices:*, "
                             + "ohlcv:<MARKET>:1m, news, sentiment, defi, health")
        }
    }

    /// The channel's name as clients write it.
    public var description: String {
        switch self {
        case .prices(let symbol): "prices:\(symbol)"
        case .allPrices: "prices:*"
        case .ohlcv(let market, let interval): "ohlcv:\(market):\(interval.rawValue)"
        case .news: "news"
        case .sentiment: "sentiment"
        case .defi: "defi"
        case .health: "health"
        }
    }

    /// Whether updates conflate to the latest value per symbol for a slow client.
    public var conflates: Bool {
        switch self {
        case .prices, .allPrices: true
        default: false
        }
    }

    /// The backend whose notifications feed the channel (nil for `health`, which the gateway produces itself).
    public var upstream: LiveUpstream? {
        switch self {
        case .prices, .allPrices: .marketPrices
        case .ohlcv: .marketCandles
        case .news: .news
        case .sentiment: .sentiment
        case .defi: .defi
        case .health: nil
        }
    }

    private static func isToken(_ text: String, maxLength: Int) -> Bool {
        !text.isEmpty && text.utf8.count <= maxLength
            && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }
    }
}
