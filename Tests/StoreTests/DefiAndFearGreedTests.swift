import Contracts
import CryptoModels
import Foundation
import Testing
@testable import Store

/// DeFi snapshots, TVL per day, and the Fear & Greed index.
@Suite struct DefiAndFearGreedTests {
    /// 2022-01-29 (the capture date of protocols.json) 06:00 and 18:00 UTC, and the next day 06:00.
    static let morning: Int64 = 1_643_436_000_000
    static let evening: Int64 = 1_643_479_200_000
    static let nextMorning: Int64 = 1_643_522_400_000

    @Test func snapshotsRoundTripAndHistory() async throws {
        try await withStore { store, _ async throws in
            let protocols = try Fixtures.defiProtocols()
            #expect(protocols.count == 10)
            let curve = try #require(protocols.first { $0.slug == "curve" })
            #expect(curve.tvl.description == "16890071630.01999")
            #expect(curve.chainTvls["Ethereum"]?.description == "14742418001.99295")
            #expect(curve.extraTvls["staking"]?.description == "1230076577.1211379")

            #expect(try await store.insertDefiSnapshots(protocols, ts: Self.morning) == 10)
            #expect(try await store.insertDefiSnapshots(protocols, ts: Self.morning) == 0)
            // Later the same day Curve's TVL moved.
            var curveLater = curve
            curveLater.tvl = try Fixtures.amount("16901234567.5")
            curveLater.chainTvls["Ethereum"] = try Fixtures.amount("14750000000.25")
            #expect(try await store.insertDefiSnapshots([curveLater], ts: Self.evening) == 1)

            let history = try await store.defiHistory(slug: "curve", from: 0, to: .max)
            #expect(history == [TvlPoint(ts: Self.morning, tvl: curve.tvl), TvlPoint(ts: Self.evening, tvl: curveLater.tvl)])
            #expect(try await store.defiHistory(slug: "curve", from: Self.morning + 1, to: .max).count == 1)

            // The stored records come back whole (chains, per-chain TVL, extras, changes).
            let atMorning = try await store.defiProtocols(at: Self.morning)
            #expect(atMorning == protocols.sorted { $0.slug < $1.slug })
            let latest = try await store.defiProtocols(at: .max)
            #expect(latest.first { $0.slug == "curve" } == curveLater)
            #expect(try await store.knownProtocols() == protocols.map(\.slug).sorted())
        }
    }

    @Test func tvlByDaySumsEachProtocolsLastSnapshotExactly() async throws {
        try await withStore { store, _ async throws in
            let protocols = try Fixtures.defiProtocols()
            let curve = try #require(protocols.first { $0.slug == "curve" })
            _ = try await store.insertDefiSnapshots(protocols, ts: Self.morning)
            var curveLater = curve
            curveLater.tvl = try Fixtures.amount("16901234567.5")
            curveLater.chainTvls["Ethereum"] = try Fixtures.amount("14750000000.25")
            _ = try await store.insertDefiSnapshots([curveLater], ts: Self.evening)
            _ = try await store.insertDefiSnapshots(Array(protocols.prefix(2)), ts: Self.nextMorning)

            let fixtureTotal = protocols.reduce(Decimal(0)) { $0 + $1.tvl.value }
            let day1 = fixtureTotal - curve.tvl.value + curveLater.tvl.value
            let day2 = protocols.prefix(2).reduce(Decimal(0)) { $0 + $1.tvl.value }
            let days = try await store.tvlByDay(from: 0, to: .max, chain: nil)
            #expect(days == [TvlPoint(ts: 1_643_414_400_000, tvl: Amount(day1)), TvlPoint(ts: 1_643_500_800_000, tvl: Amount(day2))])
            // Exact decimal arithmetic: no binary rounding crept in.
            #expect(days[1].tvl.description == "32414906136.403136")

            let ethereum = try await store.tvlByDay(from: 0, to: Self.evening, chain: "Ethereum")
            let ethereumExpected = protocols.reduce(Decimal(0)) { $0 + ($1.chainTvls["Ethereum"]?.value ?? 0) }
                - (curve.chainTvls["Ethereum"]?.value ?? 0) + (try Fixtures.amount("14750000000.25")).value
            #expect(ethereum == [TvlPoint(ts: 1_643_414_400_000, tvl: Amount(ethereumExpected))])
            #expect(try await store.tvlByDay(from: 0, to: .max, chain: "NoSuchChain").isEmpty)
        }
    }

    @Test func fearGreedUpsertsOnePerDay() async throws {
        try await withStore { store, _ async throws in
            let entries = try Fixtures.fearGreed()
            #expect(entries == [FearGreedEntry(value: 69, classification: "Greed", ts: 1_788_825_600_000),
                                FearGreedEntry(value: 71, classification: "Greed", ts: 1_788_739_200_000)])
            #expect(try await store.upsertFearGreed(entries) == 2)
            #expect(try await store.upsertFearGreed(entries) == 0)
            // A revised value for the same day (even stamped later that day) replaces it.
            let revised = FearGreedEntry(value: 74, classification: "Greed", ts: 1_788_825_600_000 + 3_600_000)
            #expect(try await store.upsertFearGreed([revised]) == 1)
            let stored = try await store.fearGreed(from: 0, to: .max)
            #expect(stored == [entries[1], revised])
            #expect(try await store.fearGreed(from: 1_788_739_200_001, to: .max) == [revised])
            await #expect(throws: StoreError.self) {
                try await store.upsertFearGreed([FearGreedEntry(value: 101, classification: "?", ts: 0)])
            }
        }
    }
}
