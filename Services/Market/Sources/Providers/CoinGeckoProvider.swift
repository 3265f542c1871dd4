import CryptoModels
import ProviderKit
import ProviderWire

/// CoinGecko API v3: prices, market listing, global figures, trending, 4-hour OHLC, and the coin list.
struct CoinGeckoProvider: MarketProvider {
    let endpoint: ProviderEndpoint

    func quotes(_ assets: [Asset], vs: String) async throws(ProviderFailure) -> [Quote] {
        let coins = assets.compactMap { asset in asset.coingeckoId.map { (id: $0, symbol: asset.symbol) } }
        guard !coins.isEmpty else { throw unsupported("these assets") }
        let fetchedAt = nowMillis()
        return try await endpoint.get("/simple/price", query: [
            ("ids", coins.map(\.id).joined(separator: ",")), ("vs_currencies", vs),
            ("include_market_cap", "true"), ("include_24hr_vol", "true"), ("include_24hr_change", "true"),
            ("include_last_updated_at", "true"),
        ]) { body throws(ProviderWireError) in
            try CoinGeckoParser.parseSimplePrice(body.readableBytesView, coins: coins, vs: [vs], fetchedAt: fetchedAt)
        }
    }

    func markets(vs: String, limit: Int) async throws(ProviderFailure) -> [MarketEntry] {
        try await endpoint.get("/coins/markets", query: [
            ("vs_currency", vs), ("order", "market_cap_desc"), ("per_page", String(limit)), ("page", "1"), ("sparkline", "false"),
        ]) { body throws(ProviderWireError) in try CoinGeckoParser.parseMarkets(body.readableBytesView) }
    }

    /// `/global`.
    func global() async throws(ProviderFailure) -> GlobalMarket {
        try await endpoint.get("/global") { body throws(ProviderWireError) in try CoinGeckoParser.parseGlobal(body.readableBytesView) }
    }

    /// `/search/trending`.
    func trending() async throws(ProviderFailure) -> [TrendingCoin] {
        try await endpoint.get("/search/trending") { body throws(ProviderWireError) in
            try CoinGeckoParser.parseTrending(body.readableBytesView)
        }
    }

    /// `/coins/list`.
    func coinList() async throws(ProviderFailure) -> [CoinListing] {
        try await endpoint.get("/coins/list") { body throws(ProviderWireError) in try CoinGeckoParser.parseCoinsList(body.readableBytesView) }
    }

    /// `/coins/{id}/ohlc`: CoinGecko's free tier picks the candle length from `days` (4 h for 3–30 days), so only
    /// the `4h` interval in USD-like quotes is offered here.
    func candles(_ asset: Asset, quote: String, interval: Interval, limit: Int, start: Int64?, end: Int64?)
        async throws(ProviderFailure) -> [Candle] {
        guard let id = asset.coingeckoId else { throw unsupported("\(asset.symbol)") }
        guard interval == .h4 else { throw unsupported("\(interval.rawValue) candles (only 4h on the free API)") }
        guard start == nil, end == nil else { throw unsupported("candle time ranges") }
        let vs = quote == "USDT" || quote == "USDC" ? "usd" : quote.lowercased()
        let days = [7, 14, 30].first { $0 * 6 >= limit } ?? 30
        let now = nowMillis()
        let candles = try await endpoint.get("/coins/\(id)/ohlc", query: [("vs_currency", vs), ("days", String(days))]) {
            body throws(ProviderWireError) in
            try CoinGeckoParser.parseOHLC(body.readableBytesView, candleLength: CoinGeckoParser.ohlcCandleLength(days: days), now: now)
        }
        return CandleWindow.clip(candles, limit: limit, start: start, end: end)
    }
}
