import CryptoModels

/// Parsers for Binance spot REST responses (`/api/v3/klines`, `/api/v3/ticker/24hr`, `/api/v3/ticker/price`,
/// `/api/v3/exchangeInfo`). Errors arrive as `{"code": <negative int>, "msg": "..."}`.
public enum BinanceParser {
    /// Error plumbing naming this provider.
    static let wire = WireContext(.binance)

    /// Parses the body and throws the provider's own error when it is an error envelope.
    static func root(_ body: some Collection<UInt8>) throws(ProviderWireError) -> JSONValue {
        let root = try wire.json(body)
        if case .object(let object) = root, let code = object["code"], let message = object["msg"]?.string {
            throw .providerError(provider: .binance, code: code.numericText ?? code.string, message: message)
        }
        return root
    }

    /// `/api/v3/klines`: 12-element rows `[openTime, open, high, low, close, volume, closeTime, quoteVolume,
    /// trades, takerBuyBase, takerBuyQuote, ignore]`.
    ///
    /// A candle is `closed` when its close time is before `now`. Candles come back ascending, one per open time.
    /// - Throws: a malformed-body error naming the row index for a row that is not 12 elements.
    public static func parseKlines(_ body: some Collection<UInt8>, now: EpochMillis) throws(ProviderWireError) -> [Candle] {
        let rows = try wire.array(try root(body), "the /klines body")
        var candles: [Candle] = []
        candles.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let cells = try wire.array(row, "kline row \(index)")
            guard cells.count == 12 else {
                throw wire.malformed("kline row \(index) has \(cells.count) elements, expected 12")
            }
            let closeTime = try wire.int64(cells[6], "kline row \(index) close time")
            candles.append(Candle(openTime: try wire.int64(cells[0], "kline row \(index) open time"),
                                  open: try wire.amount(cells[1], "kline row \(index) open"),
                                  high: try wire.amount(cells[2], "kline row \(index) high"),
                                  low: try wire.amount(cells[3], "kline row \(index) low"),
                                  close: try wire.amount(cells[4], "kline row \(index) close"),
                                  volume: try wire.amount(cells[5], "kline row \(index) volume"),
                                  closed: closeTime < now))
        }
        return CandleNormalizer.normalize(candles)
    }

    /// `/api/v3/ticker/24hr`: one object (with `symbol=`) or an array of them (without).
    public static func parseTicker24h(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [Ticker24h] {
        let root = try root(body)
        let rows: [JSONValue]
        switch root {
        case .array(let elements): rows = elements
        case .object: rows = [root]
        default: throw wire.malformed("expected a ticker object or array, got \(WireContext.kind(root))")
        }
        var tickers: [Ticker24h] = []
        tickers.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let fields = try wire.object(row, "ticker \(index)")
            let name = fields["symbol"]?.string ?? "#\(index)"
            func amount(_ key: String) throws(ProviderWireError) -> Amount {
                try wire.amount(fields[key], "`\(key)` of ticker \(name)")
            }
            tickers.append(Ticker24h(
                symbol: try wire.string(fields["symbol"], "`symbol` of ticker \(index)"),
                lastPrice: try amount("lastPrice"), openPrice: try amount("openPrice"),
                highPrice: try amount("highPrice"), lowPrice: try amount("lowPrice"),
                weightedAvgPrice: fields["weightedAvgPrice"]?.amount, priceChange: fields["priceChange"]?.amount,
                priceChangePercent: fields["priceChangePercent"]?.double,
                volume: try amount("volume"), quoteVolume: try amount("quoteVolume"),
                openTime: try wire.int64(fields["openTime"], "`openTime` of ticker \(name)"),
                closeTime: try wire.int64(fields["closeTime"], "`closeTime` of ticker \(name)"),
                tradeCount: fields["count"]?.int64))
        }
        return tickers
    }

    /// `/api/v3/ticker/price`: one `{symbol, price}` object or an array of them.
    public static func parseTickerPrice(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [MarketPrice] {
        let root = try root(body)
        let rows: [JSONValue]
        switch root {
        case .array(let elements): rows = elements
        case .object: rows = [root]
        default: throw wire.malformed("expected a price object or array, got \(WireContext.kind(root))")
        }
        var prices: [MarketPrice] = []
        prices.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            prices.append(MarketPrice(symbol: try wire.string(row["symbol"], "`symbol` of price \(index)"),
                                      price: try wire.amount(row["price"], "`price` of price \(index)")))
        }
        return prices
    }

    /// `/api/v3/exchangeInfo`: each market's base, quote and status, for the asset registry.
    public static func parseExchangeInfo(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [ExchangeSymbol] {
        let rows = try wire.array(try root(body)["symbols"], "`symbols` of /exchangeInfo")
        var symbols: [ExchangeSymbol] = []
        symbols.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            symbols.append(ExchangeSymbol(symbol: try wire.string(row["symbol"], "`symbols[\(index)].symbol`"),
                                          baseAsset: try wire.string(row["baseAsset"], "`symbols[\(index)].baseAsset`"),
                                          quoteAsset: try wire.string(row["quoteAsset"], "`symbols[\(index)].quoteAsset`"),
                                          status: try wire.string(row["status"], "`symbols[\(index)].status`")))
        }
        return symbols
    }
}

extension BinanceParser {
    /// One market's rolling 24-hour statistics from `/api/v3/ticker/24hr`.
    public struct Ticker24h: Sendable, Hashable {
        /// Market symbol (`ETHBTC`).
        public var symbol: String
        /// Last traded price.
        public var lastPrice: Amount
        /// Price 24 hours ago.
        public var openPrice: Amount
        /// 24-hour high.
        public var highPrice: Amount
        /// 24-hour low.
        public var lowPrice: Amount
        /// Volume-weighted average price, when reported.
        public var weightedAvgPrice: Amount?
        /// Absolute change, when reported.
        public var priceChange: Amount?
        /// Change in percent, when reported.
        public var priceChangePercent: Double?
        /// Base-asset volume.
        public var volume: Amount
        /// Quote-asset volume.
        public var quoteVolume: Amount
        /// Window start (epoch ms).
        public var openTime: EpochMillis
        /// Window end (epoch ms): when these figures were computed.
        public var closeTime: EpochMillis
        /// Number of trades, when reported.
        public var tradeCount: Int64?

        /// Creates a ticker.
        public init(symbol: String, lastPrice: Amount, openPrice: Amount, highPrice: Amount, lowPrice: Amount,
                    weightedAvgPrice: Amount?, priceChange: Amount?, priceChangePercent: Double?, volume: Amount,
                    quoteVolume: Amount, openTime: EpochMillis, closeTime: EpochMillis, tradeCount: Int64?) {
            self.symbol = symbol
            self.lastPrice = lastPrice
            self.openPrice = openPrice
            self.highPrice = highPrice
            self.lowPrice = lowPrice
            self.weightedAvgPrice = weightedAvgPrice
            self.priceChange = priceChange
            self.priceChangePercent = priceChangePercent
            self.volume = volume
            self.quoteVolume = quoteVolume
            self.openTime = openTime
            self.closeTime = closeTime
            self.tradeCount = tradeCount
        }

        /// This ticker as a quote of `symbol` in `vs` (the market's quote asset): last price, quote-asset
        /// volume, percent change, stamped with the window's close time. Binance reports no market cap.
        public func quote(symbol: String, vs: String) -> Quote {
            Quote(symbol: symbol, vs: vs.lowercased(), price: lastPrice, marketCap: nil, volume24h: quoteVolume,
                  change24hPct: priceChangePercent, ts: closeTime)
        }
    }
}
