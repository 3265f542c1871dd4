import CryptoModels

extension CoinGeckoParser {
    /// The candle length (ms) CoinGecko picks for `/coins/{id}/ohlc?days=N` without a paid `interval`:
    /// 30 minutes for 1–2 days, 4 hours for 3–30 days, 4 days beyond.
    public static func ohlcCandleLength(days: Int) -> Int64 {
        switch days {
        case ...2: 30 * 60_000
        case 3...30: 4 * 3_600_000
        default: 4 * 86_400_000
        }
    }

    /// `/coins/{id}/ohlc`: rows `[ms, open, high, low, close]`, no volume.
    ///
    /// CoinGecko stamps each row with the candle's **close** time; candles here are stamped with their open time
    /// (`close - candleLength`) and are `closed` once their close time is not after `now`.
    /// - Parameters:
    ///   - candleLength: length of one candle in ms (see ``ohlcCandleLength(days:)``).
    ///   - now: the current time (epoch ms).
    /// - Returns: candles ascending by open time, one per open time.
    public static func parseOHLC(_ body: some Collection<UInt8>, candleLength: Int64, now: EpochMillis) throws(ProviderWireError) -> [Candle] {
        let rows = try wire.array(try root(body), "the /ohlc body")
        var candles: [Candle] = []
        candles.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let cells = try wire.array(row, "ohlc row \(index)")
            guard cells.count == 5 else {
                throw wire.malformed("ohlc row \(index) has \(cells.count) elements, expected 5 [time, open, high, low, close]")
            }
            let closeTime = try wire.int64(cells[0], "ohlc row \(index) time")
            candles.append(Candle(openTime: closeTime - candleLength,
                                  open: try wire.amount(cells[1], "ohlc row \(index) open"),
                                  high: try wire.amount(cells[2], "ohlc row \(index) high"),
                                  low: try wire.amount(cells[3], "ohlc row \(index) low"),
                                  close: try wire.amount(cells[4], "ohlc row \(index) close"),
                                  volume: nil, closed: closeTime <= now))
        }
        return CandleNormalizer.normalize(candles)
    }

    /// `/coins/{id}/ohlc` for a request whose candle length is one of the public ``Interval``s.
    public static func parseOHLC(_ body: some Collection<UInt8>, interval: Interval, now: EpochMillis) throws(ProviderWireError) -> [Candle] {
        try parseOHLC(body, candleLength: interval.milliseconds, now: now)
    }

    /// `/coins/{id}/market_chart`: `prices`, `market_caps` and `total_volumes`, each a list of `[ms, value]`.
    ///
    /// Series come back ascending with one point per timestamp (the provider's last point may be out of order
    /// or repeated); points whose value is `null` are dropped. A missing `market_caps` or `total_volumes`
    /// gives an empty series; a missing `prices` is a malformed body.
    public static func parseMarketChart(_ body: some Collection<UInt8>) throws(ProviderWireError) -> MarketChart {
        let object = try wire.object(try root(body), "the /market_chart body")
        func series(_ key: String, required: Bool) throws(ProviderWireError) -> [PricePoint] {
            guard let value = object[key] else {
                if required { throw wire.malformed("expected `\(key)` in the /market_chart body") }
                return []
            }
            let rows = try wire.array(value, "`\(key)`")
            var points: [PricePoint] = []
            points.reserveCapacity(rows.count)
            for (index, row) in rows.enumerated() {
                let cells = try wire.array(row, "`\(key)[\(index)]`")
                guard cells.count == 2 else {
                    throw wire.malformed("`\(key)[\(index)]` has \(cells.count) elements, expected 2 [time, value]")
                }
                if cells[1].isNull { continue }
                points.append(PricePoint(ts: try wire.int64(cells[0], "`\(key)[\(index)]` time"),
                                         price: try wire.amount(cells[1], "`\(key)[\(index)]` value")))
            }
            return CandleNormalizer.normalize(points)
        }
        return MarketChart(prices: try series("prices", required: true),
                           marketCaps: try series("market_caps", required: false),
                           totalVolumes: try series("total_volumes", required: false))
    }
}
