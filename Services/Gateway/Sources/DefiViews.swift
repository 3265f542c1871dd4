import Contracts
import CryptoModels

/// The `data` bodies of the DeFi routes.
enum DefiViews {
    /// `data` of `/api/defi`.
    struct ProtocolsBody: Encodable, Sendable {
        /// Rows by rank.
        var protocols: [Defi.ProtocolRow]
        /// Sum of the matched protocols' TVL.
        var totalTvl: Amount
        /// Protocols matched before `limit`.
        var matched: Int
        /// The chain, DefiLlama's spelling.
        var chain: String?
        /// Included extra kinds.
        var include: [String]

        enum CodingKeys: String, CodingKey { case protocols, totalTvl = "total_tvl", matched, chain, include }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(protocols, forKey: .protocols)
            try container.encode(totalTvl, forKey: .totalTvl)
            try container.encode(matched, forKey: .matched)
            try container.encode(chain, forKey: .chain)
            try container.encode(include, forKey: .include)
        }
    }

    /// `data` of `/api/defi/chains`.
    struct ChainsBody: Encodable, Sendable {
        /// Chains by TVL.
        var chains: [Defi.Chain]
        /// Sum of every chain's TVL.
        var totalTvl: Amount

        enum CodingKeys: String, CodingKey { case chains, totalTvl = "total_tvl" }
    }

    /// `data` of `/api/defi/protocols/{protocol}`.
    struct ProtocolBody: Encodable, Sendable {
        /// Current figures.
        var `protocol`: Defi.ProtocolRow
        /// Days of history asked.
        var days: Int
        /// Daily TVL, ascending.
        var history: [Point]
    }

    /// One TVL point with ISO time.
    struct Point: Encodable, Sendable {
        /// Epoch ms.
        var ts: EpochMillis
        /// ISO-8601 UTC.
        var time: String
        /// TVL in USD.
        var tvl: Amount

        init(_ point: TvlPoint) {
            ts = point.ts
            time = Timestamps.iso8601(point.ts)
            tvl = point.tvl
        }
    }

    /// `data` of `/api/defi/tvl-chart`.
    struct ChartBody: Encodable, Sendable {
        /// The chain, or null for all chains.
        var chain: String?
        /// Days asked.
        var days: Int
        /// Daily points, ascending, each naming its source.
        var points: [TvlChartMerge.Point]
        /// Whether store-svc's snapshots could be read.
        var storeAvailable: Bool

        enum CodingKeys: String, CodingKey { case chain, days, points, storeAvailable = "store_available" }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(chain, forKey: .chain)
            try container.encode(days, forKey: .days)
            try container.encode(points, forKey: .points)
            try container.encode(storeAvailable, forKey: .storeAvailable)
        }
    }
}

/// Merges DefiLlama's daily TVL with store-svc's daily snapshot totals.
enum TvlChartMerge {
    /// Milliseconds in a day.
    static let dayMillis: Int64 = 86_400_000

    /// One day of the chart.
    struct Point: Encodable, Sendable, Hashable {
        /// 00:00 UTC of the day (epoch ms).
        var ts: EpochMillis
        /// ISO-8601 UTC.
        var time: String
        /// TVL in USD.
        var tvl: Amount
        /// `defillama` (its daily history) or `store` (the sum of the day's last stored snapshots).
        var source: String
    }

    /// One point per UTC day in `[from, to]`: DefiLlama's value where it has that day, the stored total otherwise.
    static func merge(upstream: [TvlPoint], stored: [TvlPoint], from: EpochMillis, to: EpochMillis) -> [Point] {
        var byDay: [EpochMillis: Point] = [:]
        for point in stored {
            let day = point.ts / dayMillis * dayMillis
            byDay[day] = Point(ts: day, time: Timestamps.iso8601(day), tvl: point.tvl, source: "store")
        }
        for point in upstream {
            let day = point.ts / dayMillis * dayMillis
            byDay[day] = Point(ts: day, time: Timestamps.iso8601(day), tvl: point.tvl, source: "defillama")
        }
        return byDay.values.filter { $0.ts >= from / dayMillis * dayMillis && $0.ts <= to }.sorted { $0.ts < $1.ts }
    }
}
