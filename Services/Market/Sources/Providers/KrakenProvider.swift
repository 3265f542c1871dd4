import CryptoModels
import ProviderKit
import ProviderWire

/// Kraken public REST: tickers as prices, OHLC.
struct KrakenProvider: MarketProvider {
    let endpoint: ProviderEndpoint

    /// Kraken's asset code of a quote currency.
    static func quoteCode(_ vs: String) -> String? {
        switch vs.uppercased() {
        case "USD": "USD"
        case "USDT": "USDT"
        case "EUR": "EUR"
        case "GBP": "GBP"
        case "JPY": "JPY"
        case "BTC": "XBT"
        case "ETH": "ETH"
        default: nil
        }
    }

    /// Whether Kraken's result key `key` (e.g. `XXBTZUSD`, `XBTUSDT`, `XBT/USD`) is the pair `base`/`quote`.
    static func key(_ key: String, matches base: String, _ quote: String) -> Bool {
        let plain = key.replacingOccurrences(of: "/", with: "")
        return plain == base + quote || plain == "X\(base)Z\(quote)" || plain == "X\(base)X\(quote)"
            || plain == "\(base)Z\(quote)" || plain == "X\(base)\(quote)"
    }

    func quotes(_ assets: [Asset], vs: String) async throws(ProviderFailure) -> [Quote] {
        guard let quote = Self.quoteCode(vs) else { throw unsupported("prices in \(vs)") }
        let pairs = assets.compactMap { asset in asset.krakenBase.flatMap { $0 == quote ? nil : (asset.symbol, $0) } }
        guard !pairs.isEmpty else { throw unsupported("these assets in \(vs)") }
        let tickers = try await endpoint.get("/0/public/Ticker", query: [("pair", pairs.map { $0.1 + quote }.joined(separator: ","))]) {
            body throws(ProviderWireError) in try KrakenParser.parseTicker(body.readableBytesView)
        }
        let now = nowMillis()
        return tickers.compactMap { ticker in
            pairs.first { Self.key(ticker.pair, matches: $0.1, quote) }.map { ticker.quote(symbol: $0.0, vs: vs, ts: now) }
        }
    }

    func candles(_ asset: Asset, quote: String, interval: Interval, limit: Int, start: Int64?, end: Int64?)
        async throws(ProviderFailure) -> [Candle] {
        guard let base = asset.krakenBase, let quoteCode = Self.quoteCode(quote) else { throw unsupported("\(asset.symbol)/\(quote)") }
        var query: [(String, String)] = [("pair", base + quoteCode), ("interval", String(interval.seconds / 60))]
        if let start { query.append(("since", String(start / 1_000 - 1))) }
        let now = nowMillis()
        let ohlc = try await endpoint.get("/0/public/OHLC", query: query) { body throws(ProviderWireError) in
            try KrakenParser.parseOHLC(body.readableBytesView, interval: interval, now: now)
        }
        return CandleWindow.clip(ohlc.candles, limit: limit, start: start, end: end)
    }
}
