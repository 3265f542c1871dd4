import CryptoModels
import ProviderKit
import ProviderWire

/// Binance spot: 24-hour tickers as prices, klines, exchangeInfo.
struct BinanceProvider: MarketProvider {
    let endpoint: ProviderEndpoint
    let registry: AssetRegistry

    /// Binance's quote asset for a `vs` currency.
    static func quoteAsset(vs: String) -> String? {
        switch vs.lowercased() {
        case "usd", "usdt": "USDT"
        case "eur": "EUR"
        case "btc": "BTC"
        case "eth": "ETH"
        default: nil
        }
    }

    func quotes(_ assets: [Asset], vs: String) async throws(ProviderFailure) -> [Quote] {
        guard let quoteAsset = Self.quoteAsset(vs: vs) else { throw unsupported("prices in \(vs)") }
        var symbolByMarket: [String: String] = [:]
        for asset in assets {
            guard let base = asset.binanceBase, base != quoteAsset else { continue }
            let market = base + quoteAsset
            if registry.binanceHasMarket(market) == false { continue }
            symbolByMarket[market] = asset.symbol
        }
        guard !symbolByMarket.isEmpty else { throw unsupported("these assets in \(vs)") }
        let markets = symbolByMarket.keys.sorted()
        let query: [(String, String)] = markets.count == 1 ? [("symbol", markets[0])]
            : [("symbols", "[" + markets.map { "\"\($0)\"" }.joined(separator: ",") + "]")]
        let tickers = try await endpoint.get("/api/v3/ticker/24hr", query: query) { body throws(ProviderWireError) in
            try BinanceParser.parseTicker24h(body.readableBytesView)
        }
        return tickers.compactMap { ticker in
            symbolByMarket[ticker.symbol].map { ticker.quote(symbol: $0, vs: vs) }
        }
    }

    func candles(_ asset: Asset, quote: String, interval: Interval, limit: Int, start: Int64?, end: Int64?)
        async throws(ProviderFailure) -> [Candle] {
        guard let base = asset.binanceBase else { throw unsupported("\(asset.symbol)") }
        let quoteAsset = quote == "USD" ? "USDT" : quote
        let market = base + quoteAsset
        if registry.binanceHasMarket(market) == false { throw unsupported("the market \(market)") }
        var query: [(String, String)] = [("symbol", market), ("interval", interval.rawValue), ("limit", String(limit))]
        if let start { query.append(("startTime", String(start))) }
        if let end { query.append(("endTime", String(end))) }
        let now = nowMillis()
        let candles = try await endpoint.get("/api/v3/klines", query: query) { body throws(ProviderWireError) in
            try BinanceParser.parseKlines(body.readableBytesView, now: now)
        }
        return CandleWindow.clip(candles, limit: limit, start: start, end: end)
    }

    /// `/api/v3/exchangeInfo`.
    func exchangeInfo() async throws(ProviderFailure) -> [ExchangeSymbol] {
        try await endpoint.get("/api/v3/exchangeInfo") { body throws(ProviderWireError) in
            try BinanceParser.parseExchangeInfo(body.readableBytesView)
        }
    }
}
