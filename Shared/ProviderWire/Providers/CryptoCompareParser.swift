import CryptoModels

/// Parsers for CryptoCompare min-api responses (`/data/pricemultifull`, `/data/v2/histohour`, `/data/v2/histoday`,
/// and the legacy v1 `/data/histohour` / `/data/histoday`). Errors arrive as `{"Response": "Error", "Message": ...}`.
public enum CryptoCompareParser {
    /// Error plumbing naming this provider.
    static let wire = WireContext(.cryptocompare)

    /// Parses the body and throws the provider's own error when it is an error envelope.
    static func root(_ body: some Collection<UInt8>) throws(ProviderWireError) -> JSONObject {
        let root = try wire.object(try wire.json(body), "the CryptoCompare body")
        if root["Response"]?.string == "Error" {
            throw .providerError(provider: .cryptocompare, code: root["Type"]?.numericText,
                                 message: root["Message"]?.string ?? "unspecified error")
        }
        return root
    }

    /// `/data/pricemultifull?fsyms=…&tsyms=…`: one quote per `RAW[FSYM][TSYM]` (the pre-formatted `DISPLAY`
    /// block is ignored), in response order.
    ///
    /// Price from `PRICE`, market cap from `MKTCAP`, 24-hour volume in the quote currency from
    /// `TOTALVOLUME24HTO` (all markets; `VOLUME24HOURTO` when absent), change from `CHANGEPCT24HOUR`,
    /// time from `LASTUPDATE` (s). Pairs without a `PRICE` are skipped.
    /// - Throws: ``ProviderWireError/emptyResult(provider:detail:)`` when `RAW` holds no priced pair.
    public static func parsePriceMultiFull(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [Quote] {
        let raw = try wire.object(try root(body)["RAW"], "`RAW` of /pricemultifull")
        var quotes: [Quote] = []
        for (fsym, byQuote) in raw {
            for (tsym, value) in try wire.object(byQuote, "`RAW.\(fsym)`") {
                let fields = try wire.object(value, "`RAW.\(fsym).\(tsym)`")
                guard let price = fields["PRICE"]?.amount else { continue }
                quotes.append(Quote(symbol: fsym, vs: tsym.lowercased(), price: price,
                                    marketCap: fields["MKTCAP"]?.amount,
                                    volume24h: fields["TOTALVOLUME24HTO"]?.amount ?? fields["VOLUME24HOURTO"]?.amount,
                                    change24hPct: fields["CHANGEPCT24HOUR"]?.double,
                                    ts: try wire.int64(fields["LASTUPDATE"], "`RAW.\(fsym).\(tsym).LASTUPDATE`") * 1_000))
            }
        }
        guard !quotes.isEmpty else { throw .emptyResult(provider: .cryptocompare, detail: "no priced pair in RAW") }
        return quotes
    }

    /// `/data/v2/histohour` or `/data/v2/histoday` (`Data.Data` is the row list) and the legacy v1 endpoints
    /// (`Data` is the row list). `RateLimit` may be `{}` or `[]`; it is not read.
    ///
    /// Rows are `{time (open, s), open, high, low, close, volumefrom, volumeto}`; volume is `volumefrom`
    /// (base asset). Rows whose open, high, low and close are all zero are CryptoCompare's filler for periods
    /// without trading and are dropped. A candle is `closed` once `time + interval` is not after `now`.
    public static func parseHistory(_ body: some Collection<UInt8>, interval: Interval, now: EpochMillis) throws(ProviderWireError) -> [Candle] {
        let root = try root(body)
        let rows: [JSONValue]
        switch root["Data"] {
        case .array(let elements)?: rows = elements
        case .object(let nested)?: rows = try wire.array(nested["Data"], "`Data.Data` of the v2 history body")
        default: throw wire.malformed("expected `Data` to be the row array (v1) or an object holding `Data` (v2), got \(WireContext.kind(root["Data"]))")
        }
        var candles: [Candle] = []
        candles.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let fields = try wire.object(row, "history row \(index)")
            let time = try wire.int64(fields["time"], "`time` of history row \(index)")
            let open = try wire.amount(fields["open"], "`open` of history row \(index)")
            let high = try wire.amount(fields["high"], "`high` of history row \(index)")
            let low = try wire.amount(fields["low"], "`low` of history row \(index)")
            let close = try wire.amount(fields["close"], "`close` of history row \(index)")
            if open.value.isZero && high.value.isZero && low.value.isZero && close.value.isZero { continue }
            let openTime = time * 1_000
            candles.append(Candle(openTime: openTime, open: open, high: high, low: low, close: close,
                                  volume: fields["volumefrom"]?.amount,
                                  closed: openTime + interval.milliseconds <= now))
        }
        return CandleNormalizer.normalize(candles)
    }
}
