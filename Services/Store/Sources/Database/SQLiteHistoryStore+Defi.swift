import Contracts
import CryptoModels
import Foundation
import GRDB

/// DeFi TVL snapshots and the Fear & Greed index.
extension SQLiteHistoryStore {
    /// Milliseconds in a UTC day.
    static let dayMillis: Int64 = 86_400_000

    /// Implements `HistoryStore.insertDefiSnapshots` (see the protocol for the contract).
    public func insertDefiSnapshots(_ protocols: [DefiProtocol], ts: EpochMillis) async throws -> Int {
        for item in protocols { try Self.require(item.slug, "protocol slug") }
        guard !protocols.isEmpty else { return 0 }
        let rows = try protocols.map { item in
            (item, try Self.jsonText(item.chains), try Self.jsonText(item.chainTvls), try Self.jsonText(item.extraTvls))
        }
        return try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO defi_protocols (slug, ts, name, category, tvl, chains, chain_tvls, extra_tvls,
                                            change_1d_pct, change_7d_pct, gecko_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
            var inserted = 0
            for (item, chains, chainTvls, extraTvls) in rows {
                try statement.execute(arguments: [item.slug, ts, item.name, item.category, DecimalText.text(item.tvl),
                                                  chains, chainTvls, extraTvls, item.change1dPct, item.change7dPct,
                                                  item.geckoId])
                inserted += db.changesCount
            }
            return inserted
        }
    }

    /// Implements `HistoryStore.defiHistory` (see the protocol for the contract).
    public func defiHistory(slug: String, from: EpochMillis, to: EpochMillis) async throws -> [TvlPoint] {
        try Self.require(slug, "slug")
        try Self.requireRange(from, to)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT ts, tvl FROM defi_protocols WHERE slug = ? AND ts >= ? AND ts <= ? ORDER BY ts
                """, arguments: [slug, from, to]).map {
                TvlPoint(ts: $0["ts"], tvl: try Self.amount($0, "tvl", table: "defi_protocols"))
            }
        }
    }

    /// The latest stored snapshot of each protocol taken at or before `at`, by slug.
    public func defiProtocols(at: EpochMillis) async throws -> [DefiProtocol] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT slug, max(ts) AS ts, name, category, tvl, chains, chain_tvls, extra_tvls,
                       change_1d_pct, change_7d_pct, gecko_id
                FROM defi_protocols WHERE ts <= ? GROUP BY slug ORDER BY slug
                """, arguments: [at]).map { row in
                DefiProtocol(slug: row["slug"], name: row["name"], category: row["category"],
                             chains: try Self.decodeJSON([String].self, row["chains"], table: "defi_protocols", column: "chains"),
                             tvl: try Self.amount(row, "tvl", table: "defi_protocols"),
                             chainTvls: try Self.decodeJSON([String: Amount].self, row["chain_tvls"],
                                                            table: "defi_protocols", column: "chain_tvls"),
                             extraTvls: try Self.decodeJSON([String: Amount].self, row["extra_tvls"],
                                                            table: "defi_protocols", column: "extra_tvls"),
                             change1dPct: row["change_1d_pct"], change7dPct: row["change_7d_pct"], geckoId: row["gecko_id"])
            }
        }
    }

    /// Implements `HistoryStore.tvlByDay` (see the protocol for the contract).
    public func tvlByDay(from: EpochMillis, to: EpochMillis, chain: String?) async throws -> [TvlPoint] {
        try Self.requireRange(from, to)
        if let chain { try Self.require(chain, "chain") }
        // Each protocol's last snapshot of each day (bare columns come from the max(ts) row); the sum is done
        // in Decimal here, because SQLite's sum() would go through REAL.
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT ts / \(Self.dayMillis) AS day, max(ts) AS ts, tvl, chain_tvls FROM defi_protocols
                WHERE ts >= ? AND ts <= ? GROUP BY slug, day ORDER BY day
                """, arguments: [from, to]).map { row -> (day: Int64, tvl: String, chainTvls: String) in
                (row["day"], row["tvl"], row["chain_tvls"])
            }
        }
        var totals: [(day: Int64, tvl: Decimal)] = []
        for (day, tvl, chainTvls) in rows {
            let value: Amount?
            if let chain {
                let perChain = try Self.decodeJSON([String: Amount].self, chainTvls,
                                                   table: "defi_protocols", column: "chain_tvls")
                value = perChain[chain]
            } else {
                guard let amount = Amount(parsing: tvl) else {
                    throw StoreError.corruptValue(table: "defi_protocols", column: "tvl", value: tvl)
                }
                value = amount
            }
            guard let value else { continue }
            if let last = totals.last, last.day == day {
                totals[totals.count - 1].tvl += value.value
            } else {
                totals.append((day, value.value))
            }
        }
        return totals.map { TvlPoint(ts: $0.day * Self.dayMillis, tvl: Amount($0.tvl)) }
    }

    /// Implements `HistoryStore.knownProtocols` (see the protocol for the contract).
    public func knownProtocols() async throws -> [String] {
        try await pool.read { db in
            // DISTINCT over the primary key's first column: one index walk, no temp b-tree.
            try String.fetchAll(db, sql: "SELECT DISTINCT slug FROM defi_protocols ORDER BY slug")
        }
    }

    /// Implements `HistoryStore.upsertFearGreed` (see the protocol for the contract).
    public func upsertFearGreed(_ entries: [FearGreedEntry]) async throws -> Int {
        for entry in entries where !(0...100).contains(entry.value) {
            throw StoreError.invalidArgument("Fear & Greed value \(entry.value) is outside 0…100")
        }
        guard !entries.isEmpty else { return 0 }
        return try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO fear_greed (day, ts, value, classification) VALUES (?, ?, ?, ?)
                ON CONFLICT (day) DO UPDATE SET ts = excluded.ts, value = excluded.value,
                  classification = excluded.classification
                WHERE (fear_greed.ts, fear_greed.value, fear_greed.classification)
                  IS NOT (excluded.ts, excluded.value, excluded.classification)
                """)
            var changed = 0
            for entry in entries {
                let day = Interval.d1.openTime(containing: entry.ts) / Self.dayMillis
                try statement.execute(arguments: [day, entry.ts, entry.value, entry.classification])
                changed += db.changesCount
            }
            return changed
        }
    }

    /// Implements `HistoryStore.fearGreed` (see the protocol for the contract).
    public func fearGreed(from: EpochMillis, to: EpochMillis) async throws -> [FearGreedEntry] {
        try Self.requireRange(from, to)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT ts, value, classification FROM fear_greed WHERE ts >= ? AND ts <= ? ORDER BY ts
                """, arguments: [from, to]).map {
                FearGreedEntry(value: $0["value"], classification: $0["classification"], ts: $0["ts"])
            }
        }
    }
}
