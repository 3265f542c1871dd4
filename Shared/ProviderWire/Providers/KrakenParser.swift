import CryptoModels

/// Parsers for Kraken public REST responses (`/0/public/OHLC`, `/0/public/Ticker`).
///
/// Every response is `{"error": [...], "result": {...}}`; a non-empty `error` list is the provider's error.
/// Result keys are Kraken's own pair names (`XXBTZUSD`, `XBTUSDT`, `BTC/USD`), whatever was asked for.
public enum KrakenParser {
    /// Error plumbing naming this provider.
    static let wire = WireContext(.kraken)

    /// The `result` object, after checking the `error` list.
    static func result(_ body: some Collection<UInt8>) throws(ProviderWireError) -> JSONObject {
        let root = try wire.json(body)
        let object = try wire.object(root, "the Kraken envelope")
        if let errors = object["error"]?.array, !errors.isEmpty {
            let messages = errors.map { $0.string ?? WireContext.kind($0) }
            let first = messages[0]
            let code = first.split(separator: ":", maxSplits: 1).first.map(String.init)
            throw .providerError(provider: .kraken, code: first.contains(":") ? code : nil,
                                 message: messages.joined(separator: "; "))
        }
        return try wire.object(object["result"], "`result`")
    }

    /// `/0/public/OHLC?pair=…&interval=…`: the pair's rows `[time (s), open, high, low, close, vwap, volume, count]`
    /// plus the sibling `last` (the id of the last committed candle).
    ///
    /// A candle is `closed` when its interval has ended by `now` and, if `last` is present, it is not after `last`
    /// (Kraken always appends the current, uncommitted frame).
    public static func parseOHLC(_ body: some Collection<UInt8>, interval: Interval, now: EpochMillis) throws(ProviderWireError) -> OHLC {
        let result = try result(body)
        guard let pairIndex = result.firstIndex(where: { $0.key != "last" && $0.value.array != nil }) else {
            throw wire.malformed("expected a pair's candle array in `result`")
        }
        let pair = result[pairIndex].key
        let rows = result[pairIndex].value.array ?? []
        let last = result["last"]?.int64
        var candles: [Candle] = []
        candles.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let cells = try wire.array(row, "OHLC row \(index)")
            guard cells.count == 8 else {
                throw wire.malformed("OHLC row \(index) has \(cells.count) elements, expected 8")
            }
            let time = try wire.int64(cells[0], "OHLC row \(index) time")
            let openTime = time * 1_000
            candles.append(Candle(openTime: openTime,
                                  open: try wire.amount(cells[1], "OHLC row \(index) open"),
                                  high: try wire.amount(cells[2], "OHLC row \(index) high"),
                                  low: try wire.amount(cells[3], "OHLC row \(index) low"),
                                  close: try wire.amount(cells[4], "OHLC row \(index) close"),
                                  volume: try wire.amount(cells[6], "OHLC row \(index) volume"),
                                  closed: openTime + interval.milliseconds <= now && (last.map { time <= $0 } ?? true)))
        }
        return OHLC(pair: pair, candles: CandleNormalizer.normalize(candles), last: last)
    }

    /// `/0/public/Ticker?pair=…`: one ticker per pair key in `result`, in response order.
    public static func parseTicker(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [Ticker] {
        let result = try result(body)
        guard !result.isEmpty else { throw .emptyResult(provider: .kraken, detail: "no pair in the ticker result") }
        var tickers: [Ticker] = []
        for (pair, value) in result {
            let fields = try wire.object(value, "ticker `\(pair)`")
            func cell(_ key: String, _ position: Int) throws(ProviderWireError) -> JSONValue? {
                try wire.array(fields[key], "`\(key)` of \(pair)").indices.contains(position)
                    ? fields[key]?[position] : nil
            }
            func amount(_ key: String, _ position: Int) throws(ProviderWireError) -> Amount {
                try wire.amount(try cell(key, position), "`\(key)[\(position)]` of \(pair)")
            }
            tickers.append(Ticker(
                pair: pair,
                ask: try amount("a", 0), bid: try amount("b", 0), last: try amount("c", 0),
                lastVolume: try cell("c", 1)?.amount,
                volumeToday: try amount("v", 0), volume24h: try amount("v", 1),
                vwapToday: try amount("p", 0), vwap24h: try amount("p", 1),
                tradesToday: try cell("t", 0)?.int64, trades24h: try cell("t", 1)?.int64,
                lowToday: try amount("l", 0), low24h: try amount("l", 1),
                highToday: try amount("h", 0), high24h: try amount("h", 1),
                open: try wire.amount(fields["o"], "`o` of \(pair)")))
        }
        return tickers
    }
}

extension KrakenParser {
    /// The candles of one pair from `/0/public/OHLC`.
    public struct OHLC: Sendable, Hashable {
        /// The pair name Kraken answered with (`XBTUSDT`, `XXBTZUSD`).
        public var pair: String
        /// Candles ascending by open time; the final one is usually still open.
        public var candles: [Candle]
        /// Kraken's `last`: open time (s) of the last committed candle, for polling with `since`.
        public var last: Int64?

        /// Creates an OHLC result.
        public init(pair: String, candles: [Candle], last: Int64?) {
            self.pair = pair
            self.candles = candles
            self.last = last
        }
    }

    /// One pair of `/0/public/Ticker`. "Today" runs from 00:00 UTC; "24h" is the rolling window.
    public struct Ticker: Sendable, Hashable {
        /// Kraken pair name.
        public var pair: String
        /// Best ask price (`a[0]`).
        public var ask: Amount
        /// Best bid price (`b[0]`).
        public var bid: Amount
        /// Last trade price (`c[0]`).
        public var last: Amount
        /// Last trade volume (`c[1]`).
        public var lastVolume: Amount?
        /// Base volume today (`v[0]`).
        public var volumeToday: Amount
        /// Base volume over 24 h (`v[1]`).
        public var volume24h: Amount
        /// VWAP today (`p[0]`).
        public var vwapToday: Amount
        /// VWAP over 24 h (`p[1]`).
        public var vwap24h: Amount
        /// Trades today (`t[0]`).
        public var tradesToday: Int64?
        /// Trades over 24 h (`t[1]`).
        public var trades24h: Int64?
        /// Low today (`l[0]`).
        public var lowToday: Amount
        /// Low over 24 h (`l[1]`).
        public var low24h: Amount
        /// High today (`h[0]`).
        public var highToday: Amount
        /// High over 24 h (`h[1]`).
        public var high24h: Amount
        /// Today's opening price (`o`).
        public var open: Amount

        /// Creates a ticker.
        public init(pair: String, ask: Amount, bid: Amount, last: Amount, lastVolume: Amount?, volumeToday: Amount,
                    volume24h: Amount, vwapToday: Amount, vwap24h: Amount, tradesToday: Int64?, trades24h: Int64?,
                    lowToday: Amount, low24h: Amount, highToday: Amount, high24h: Amount, open: Amount) {
            self.pair = pair
            self.ask = ask
            self.bid = bid
            self.last = last
            self.lastVolume = lastVolume
            self.volumeToday = volumeToday
            self.volume24h = volume24h
            self.vwapToday = vwapToday
            self.vwap24h = vwap24h
            self.tradesToday = tradesToday
            self.trades24h = trades24h
            self.lowToday = lowToday
            self.low24h = low24h
            self.highToday = highToday
            self.high24h = high24h
            self.open = open
        }

        /// This ticker as a quote: last price; 24-hour quote volume as base volume × 24-hour VWAP (which is how
        /// VWAP is defined, up to Kraken's rounding of it); no percent change, because Kraken's `o` is today's
        /// open, not the price 24 hours ago. Kraken sends no timestamp, so the caller stamps it with `ts`.
        public func quote(symbol: String, vs: String, ts: EpochMillis) -> Quote {
            Quote(symbol: symbol, vs: vs.lowercased(), price: last, marketCap: nil,
                  volume24h: Amount(volume24h.value * vwap24h.value), change24hPct: nil, ts: ts)
        }
    }
}
