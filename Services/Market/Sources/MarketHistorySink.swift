import CryptoModels

/// Where the collector sends what it fetched, for history (store-svc).
protocol MarketHistorySink: Sendable {
    /// Quotes observed from `source`.
    func record(quotes: [Quote], source: String) async
    /// Candles of one market and interval.
    func record(candles: [Candle], symbol: String, interval: Interval, source: String) async
    /// A market listing snapshot.
    func record(snapshot: [MarketEntry], vs: String, source: String, ts: EpochMillis) async
}

/// A sink that keeps nothing: in use until store-svc's buffered writer lands (the lead connects it at merge;
/// the write methods exist as `Store.InsertPrices`, `Store.UpsertCandles`, `Store.InsertMarketSnapshot`).
struct NoHistorySink: MarketHistorySink {
    func record(quotes: [Quote], source: String) async {}
    func record(candles: [Candle], symbol: String, interval: Interval, source: String) async {}
    func record(snapshot: [MarketEntry], vs: String, source: String, ts: EpochMillis) async {}
}
