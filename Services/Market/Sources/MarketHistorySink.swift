import Contracts
import CryptoModels
import StoreClient

/// Where the collector sends what it fetched, for history (store-svc).
protocol MarketHistorySink: Sendable {
    /// Quotes observed from `source`.
    func record(quotes: [Quote], source: String) async
    /// Candles of one market and interval.
    func record(candles: [Candle], symbol: String, interval: Interval, source: String) async
    /// A market listing snapshot.
    func record(snapshot: [MarketEntry], vs: String, source: String, ts: EpochMillis) async
}

/// store-svc through the shared ``BufferedStoreWriter``: writes are queued (bounded, never blocking the collector)
/// and sent in order with retries while store-svc is down.
struct StoreHistorySink: MarketHistorySink {
    let writer: BufferedStoreWriter

    func record(quotes: [Quote], source: String) async {
        guard !quotes.isEmpty else { return }
        writer.enqueue(Store.InsertPrices.self, .init(quotes: quotes, source: source))
    }

    func record(candles: [Candle], symbol: String, interval: Interval, source: String) async {
        guard !candles.isEmpty else { return }
        writer.enqueue(Store.UpsertCandles.self, .init(symbol: symbol, interval: interval, candles: candles, source: source))
    }

    func record(snapshot: [MarketEntry], vs: String, source: String, ts: EpochMillis) async {
        guard !snapshot.isEmpty else { return }
        writer.enqueue(Store.InsertMarketSnapshot.self, .init(source: source, ts: ts, vs: vs, entries: snapshot))
    }
}

/// A sink that keeps nothing (`MARKET_HISTORY=off`).
struct NoHistorySink: MarketHistorySink {
    func record(quotes: [Quote], source: String) async {}
    func record(candles: [Candle], symbol: String, interval: Interval, source: String) async {}
    func record(snapshot: [MarketEntry], vs: String, source: String, ts: EpochMillis) async {}
}
