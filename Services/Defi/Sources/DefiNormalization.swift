import Contracts
import CryptoModels
import Foundation

/// Pure TVL arithmetic of defi-svc: adding asked extra kinds, ranking, chain filters and windows. Exact decimals only.
enum DefiNormalization {
    /// Milliseconds in a day.
    static let dayMillis: Int64 = 86_400_000

    /// The row of `item` at `rank`: plain TVL plus the `include` kinds, overall, per chain and on `chain`.
    static func row(_ item: DefiProtocol, rank: Int, chain: String?, include: [String]) -> Defi.ProtocolRow {
        var chainTvls: [String: Amount] = [:]
        for (name, plain) in item.chainTvls {
            chainTvls[name] = plain + extras(of: name, in: item, include: include)
        }
        if !include.isEmpty, let perChain = item.chainExtraTvls {
            // A chain that only has extra kinds (e.g. staking on a chain without plain TVL) appears when they are asked.
            for name in perChain.keys where chainTvls[name] == nil {
                let value = extras(of: name, in: item, include: include)
                if value.value != 0 { chainTvls[name] = value }
            }
        }
        let total = include.reduce(item.tvl) { sum, kind in sum + (item.extraTvls[kind] ?? Amount(0)) }
        return Defi.ProtocolRow(
            rank: rank, slug: item.slug, name: item.name, category: item.category, chains: item.chains, tvl: total,
            chainTvl: chain.map { chainTvls[$0] ?? Amount(0) }, chainTvls: chainTvls, extraTvls: item.extraTvls,
            change1dPct: item.change1dPct, change7dPct: item.change7dPct, geckoId: item.geckoId)
    }

    /// The sum of the `include` kinds of one chain of `item`.
    static func extras(of chain: String, in item: DefiProtocol, include: [String]) -> Amount {
        guard !include.isEmpty, let kinds = item.chainExtraTvls?[chain] else { return Amount(0) }
        return include.reduce(Amount(0)) { sum, kind in sum + (kinds[kind] ?? Amount(0)) }
    }

    /// Whether `item` is on `chain`: listed in `chains`, or with TVL of that chain.
    static func isOn(_ item: DefiProtocol, chain: String) -> Bool {
        item.chains.contains(chain) || item.chainTvls[chain] != nil || item.chainExtraTvls?[chain] != nil
    }

    /// The top `limit` rows by TVL (on `chain` when given; ties by slug), the number matched and their total TVL.
    static func rank(_ protocols: [DefiProtocol], chain: String?, include: [String], limit: Int)
        -> (rows: [Defi.ProtocolRow], matched: Int, total: Amount) {
        let candidates = chain.map { chain in protocols.filter { isOn($0, chain: chain) } } ?? protocols
        let rows = candidates.map { row($0, rank: 0, chain: chain, include: include) }
        let key: (Defi.ProtocolRow) -> Amount = { chain == nil ? $0.tvl : ($0.chainTvl ?? Amount(0)) }
        let sorted = rows.sorted { lhs, rhs in
            let (a, b) = (key(lhs), key(rhs))
            return a != b ? a > b : lhs.slug < rhs.slug
        }
        let total = sorted.reduce(Amount(0)) { $0 + key($1) }
        let top = sorted.prefix(limit).enumerated().map { index, row in
            var ranked = row
            ranked.rank = index + 1
            return ranked
        }
        return (Array(top), candidates.count, total)
    }

    /// The chain names known from `/v2/chains` and the protocols' chain lists.
    static func knownChains(chains: [String], protocols: [DefiProtocol]) -> Set<String> {
        var names = Set(chains)
        for item in protocols {
            names.formUnion(item.chains)
            names.formUnion(item.chainTvls.keys)
        }
        return names
    }

    /// The known chain matching `text` case-insensitively (an exact match first), or nil.
    static func canonicalChain(_ text: String, known: Set<String>) -> String? {
        if known.contains(text) { return text }
        let lower = text.lowercased()
        return known.filter { $0.lowercased() == lower }.min()
    }

    /// The points of the last `days` UTC days up to `now` (today counts as one), ascending.
    static func window(_ points: [TvlPoint], days: Int, now: EpochMillis) -> [TvlPoint] {
        let from = (now / dayMillis - Int64(days - 1)) * dayMillis
        return points.filter { $0.ts >= from && $0.ts <= now }
    }
}

extension Amount {
    /// The exact sum.
    static func + (lhs: Amount, rhs: Amount) -> Amount { Amount(lhs.value + rhs.value) }
}
