import CryptoModels
import ProviderKit

/// A provider adapter: the capabilities market-svc's chains ask of it. A capability the provider does not offer
/// (or cannot offer for this asset, currency or interval) throws an `unsupported` ``ProviderFailure`` without
/// calling out.
protocol MarketProvider: Sendable {
    /// Provider name (`coingecko`).
    var name: String { get }
    /// The endpoint (breaker, budget, health).
    var endpoint: ProviderEndpoint { get }
    /// Latest quotes of `assets` in `vs`; may return fewer quotes than assets (those it does not list).
    func quotes(_ assets: [Asset], vs: String) async throws(ProviderFailure) -> [Quote]
    /// The market listing.
    func markets(vs: String, limit: Int) async throws(ProviderFailure) -> [MarketEntry]
    /// Candles of `asset` against `quote` (upper-case, e.g. `USDT`, `USD`).
    func candles(_ asset: Asset, quote: String, interval: Interval, limit: Int, start: Int64?, end: Int64?)
        async throws(ProviderFailure) -> [Candle]
}

extension MarketProvider {
    var name: String { endpoint.name }

    func quotes(_ assets: [Asset], vs: String) async throws(ProviderFailure) -> [Quote] {
        throw unsupported("prices")
    }

    func markets(vs: String, limit: Int) async throws(ProviderFailure) -> [MarketEntry] {
        throw unsupported("market listings")
    }

    func candles(_ asset: Asset, quote: String, interval: Interval, limit: Int, start: Int64?, end: Int64?)
        async throws(ProviderFailure) -> [Candle] {
        throw unsupported("OHLCV")
    }

    /// An `unsupported` failure naming what is not offered.
    func unsupported(_ what: String) -> ProviderFailure {
        ProviderFailure(provider: name, kind: .unsupported, message: "does not offer \(what)")
    }

    /// The current time in epoch ms.
    func nowMillis() -> Int64 { Timestamps.nowMillis() }
}

/// Candle-window helpers shared by the adapters.
enum CandleWindow {
    /// At most `limit` candles of `candles` with open time in `start...end`: the first ones after `start` when only
    /// `start` is given (as Binance's `startTime` does), otherwise the most recent ones.
    static func clip(_ candles: [Candle], limit: Int, start: Int64?, end: Int64?) -> [Candle] {
        let inRange = candles.filter { candle in
            (start.map { candle.openTime >= $0 } ?? true) && (end.map { candle.openTime <= $0 } ?? true)
        }
        return start != nil && end == nil ? Array(inRange.prefix(limit)) : Array(inRange.suffix(limit))
    }
}
