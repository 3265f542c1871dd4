import Contracts
import CryptoModels
import Foundation

/// The envelope of the history endpoints.
struct HistoryEnvelope<T: Encodable & Sendable>: Encodable, Sendable {
    /// The payload.
    var data: T
    /// Provenance: always `store`, plus the window and row count.
    var meta: HistoryMeta
}

/// `meta` of a history answer: the §5 fields plus the window read and the count returned.
struct HistoryMeta: Encodable, Sendable {
    var source: String
    var asOf: EpochMillis
    var fetchedAt: EpochMillis
    var ageS: Double
    var stale: Bool
    var cached: Bool
    var from: EpochMillis?
    var to: EpochMillis?
    var count: Int

    enum CodingKeys: String, CodingKey {
        case source, asOf = "as_of", fetchedAt = "fetched_at", ageS = "age_s", stale, cached, from, to, count
    }
}

/// `data` of `/api/prices/history/{symbol}`.
struct PriceHistoryBody: Encodable, Sendable {
    struct Point: Encodable, Sendable {
        var ts: EpochMillis
        var time: String
        var price: Amount
    }
    var symbol: String
    var vs: String
    var days: Int
    var points: [Point]
}

/// One candle of `/api/ohlcv/history/{symbol}`.
struct CandleBody: Encodable, Sendable {
    var ts: EpochMillis
    var time: String
    var open: Amount
    var high: Amount
    var low: Amount
    var close: Amount
    var volume: Amount?
    var closed: Bool

    init(_ candle: Candle) {
        ts = candle.openTime
        time = Timestamps.iso8601(candle.openTime)
        open = candle.open
        high = candle.high
        low = candle.low
        close = candle.close
        volume = candle.volume
        closed = candle.closed
    }
}

/// `data` of `/api/ohlcv/history/{symbol}`.
struct CandleHistoryBody: Encodable, Sendable {
    var symbol: String
    var interval: String
    var days: Int
    var candles: [CandleBody]
}

/// One row of `/api/market/history`.
struct MarketPointBody: Encodable, Sendable {
    var ts: EpochMillis
    var time: String
    var source: String
    var vs: String
    var id: String
    var name: String
    var rank: Int?
    var price: Amount
    var marketCap: Amount?
    var volume24h: Amount?
    var change24hPct: Double?

    init(_ point: MarketHistoryPoint) {
        ts = point.ts
        time = Timestamps.iso8601(point.ts)
        source = point.source
        vs = point.vs
        id = point.entry.id
        name = point.entry.name
        rank = point.entry.rank
        price = point.entry.price
        marketCap = point.entry.marketCap
        volume24h = point.entry.volume24h
        change24hPct = point.entry.change24hPct
    }

    enum CodingKeys: String, CodingKey {
        case ts, time, source, vs, id, name, rank, price, marketCap = "market_cap", volume24h = "volume_24h",
             change24hPct = "change_24h_pct"
    }
}

/// `data` of `/api/market/history`.
struct MarketHistoryBody: Encodable, Sendable {
    var symbol: String
    var points: [MarketPointBody]
}

/// `data` of `/api/defi/history/{protocol}`.
struct DefiHistoryBody: Encodable, Sendable {
    struct Point: Encodable, Sendable {
        var ts: EpochMillis
        var time: String
        var tvl: Amount
    }
    var `protocol`: String
    var days: Int
    var points: [Point]
}
