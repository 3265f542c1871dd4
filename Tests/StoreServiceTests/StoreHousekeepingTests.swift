import Contracts
import CryptoModels
import Foundation
import Logging
import RPC
import ServiceKit
import ServiceLifecycle
import Store
import Testing
import TestSupport

/// Retention, backups and their schedules, and the store's configuration.
@Suite("store-svc housekeeping", .timeLimit(.minutes(1)))
struct StoreHousekeepingTests {
    typealias F = StoreRPCFixture

    @Test("retention deletes exactly the rows older than each table's window")
    func retentionIsExact() async throws {
        try await F.with(configure: { configuration in
            configuration.retentionDays = [.prices: 10, .ohlcv: 30, .apiCalls: 1, .fearGreed: 90, .news: 90]
        }) { f in
            let prices = F.now - 10 * F.day, candles = F.now - 30 * F.day, calls = F.now - F.day, days90 = F.now - 90 * F.day
            _ = try await f.client.call(API.InsertPrices.self, .init(quotes: [prices - 1, prices, prices + 1].map { F.quote("ZZT", "1", at: $0) },
                                                                     source: "test"))
            let hour = Interval.h1.milliseconds
            _ = try await f.client.call(API.UpsertCandles.self, .init(symbol: "ZZTUSDT", interval: .h1, candles: [
                F.candle(candles - hour, 1), F.candle(candles, 2), F.candle(candles + hour, 3)], source: "test"))
            _ = try await f.client.call(API.RecordAPICalls.self, .init(calls: [calls - 1, calls, calls + 1].map {
                APICallRecord(provider: "p", endpoint: "/e", status: 200, latencyMs: 1, ts: $0) }))
            _ = try await f.client.call(API.UpsertFearGreed.self, .init(entries: [
                FearGreedEntry(value: 10, classification: "Extreme Fear", ts: days90 - F.day),
                FearGreedEntry(value: 20, classification: "Extreme Fear", ts: days90),
            ]))
            _ = try await f.client.call(API.UpsertNews.self, .init(items: [days90 - 1, days90].enumerated().map { index, ts in
                NewsItem(id: "n\(index)", guid: nil, url: "https://news.example/\(index)", title: "t", summary: nil, source: "s",
                         publishedAt: ts, assets: ["BTC"], sentiment: nil)
            }))
            // A table without a configured window keeps everything.
            _ = try await f.client.call(API.InsertMarketSnapshot.self, .init(source: "s", ts: 1, vs: "usd", entries: []))

            let result = try await f.client.call(API.RunRetention.self, NoParams())
            #expect(result.deleted == ["prices": 1, "ohlcv": 1, "api_calls": 1, "fear_greed": 1, "news": 1])
            #expect(result.cutoffs["prices"] == prices)
            #expect(result.cutoffs["market_snapshots"] == nil)

            let kept = try await f.client.call(API.PriceHistory.self, .init(symbol: "ZZT", from: prices - 50, to: prices + 49, maxPoints: 100))
            #expect(kept.points.map(\.ts) == [prices, prices + 1])
            let keptCandles = try await f.client.call(API.CandleRange.self, .init(symbol: "ZZTUSDT", interval: .h1, from: F.now - 60 * F.day, to: F.now))
            #expect(keptCandles.candles.map(\.openTime) == [candles, candles + hour])
            let keptFearGreed = try await f.client.call(API.FearGreedHistory.self, .init(from: 0, to: F.now))
            #expect(keptFearGreed.entries.map(\.value) == [20])
            let stats = try await f.client.call(API.Stats.self, NoParams())
            let rows = Dictionary(uniqueKeysWithValues: stats.tables.map { ($0.table, $0.rows) })
            #expect(rows["api_calls"] == 2)
            #expect(rows["news"] == 1)
            #expect(rows["news_assets"] == 1)
            #expect(rows["market_snapshots"] == 1)
            // A second run at the same time finds nothing more.
            let again = try await f.client.call(API.RunRetention.self, NoParams())
            #expect(again.deleted.values.allSatisfy { $0 == 0 })
        }
    }

    @Test("backups through RPC: taken online, rotated to keep N, listed newest first, contents equal to the store")
    func backupsRotate() async throws {
        try await F.with(configure: { $0.backupKeep = 2 }) { f in
            _ = try await f.client.call(API.InsertPrices.self, .init(quotes: [F.quote("ZZT", "42.125", at: F.now)], source: "t"))
            var taken: [BackupInfo] = []
            for _ in 0..<3 { taken.append(try await f.client.call(API.CreateBackup.self, NoParams())) }
            let listed = try await f.client.call(API.ListBackups.self, NoParams())
            #expect(listed.backups.map(\.path) == [taken[2].path, taken[1].path])
            #expect(!FileManager.default.fileExists(atPath: taken[0].path))
            let integrity = try await f.client.call(API.IntegrityCheck.self, NoParams())
            #expect(integrity == .init(ok: true, lines: ["ok"]))

            let copy = try SQLiteHistoryStore(path: taken[2].path)
            defer { try? copy.close() }
            #expect(try await copy.integrityCheck() == ["ok"])
            let fromCopy = try await copy.priceHistory(symbol: "ZZT", vs: "usd", from: 0, to: F.now, maxPoints: 10)
            let fromLive = try await f.store.priceHistory(symbol: "ZZT", vs: "usd", from: 0, to: F.now, maxPoints: 10)
            #expect(fromCopy == fromLive)
            #expect(fromCopy.first?.price.description == "42.125")
        }
    }

    @Test("the scheduled jobs run on their intervals and stop at graceful shutdown")
    func schedules() async throws {
        let directory = try TemporaryDirectory(prefix: "sched")
        defer { directory.remove() }
        let configuration = StoreConfiguration(databasePath: directory.file("db.sqlite"), backupDirectory: directory.file("backups"),
                                               backupInterval: .milliseconds(150), backupKeep: 2,
                                               retentionDays: [.prices: 1], retentionInterval: .milliseconds(100),
                                               optimizeInterval: .milliseconds(100))
        let store = try SQLiteHistoryStore(path: configuration.databasePath)
        defer { try? store.close() }
        _ = try await store.insertPrices([F.quote("ZZT", "1", at: Timestamps.nowMillis() - 3 * F.day)], source: "t")
        let status = StoreStatus(startupCheck: ["ok"])
        let logger = Logger(label: "sched-test")
        let housekeeping = StoreHousekeeping(store: store, configuration: configuration, status: status, logger: logger)
        let group = ServiceGroup(configuration: .init(services: housekeeping.services().map { .init(service: $0) },
                                                      gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let ran = await Eventually.wait(timeout: .seconds(5)) {
                let backups = (try? housekeeping.listBackups().count) ?? 0
                return backups == 2 && status.job("optimize").lastSuccessAt != nil
                    && status.job("backup").lastSuccessAt != nil && status.job("retention").lastSuccessAt != nil
            }
            #expect(ran)
            // The retention run at start removed the three-day-old price.
            #expect(try await store.knownSymbols() == ["ZZT"])
            #expect(try await store.priceHistory(symbol: "ZZT", vs: "usd", from: 0, to: .max, maxPoints: 10).isEmpty)
            let stopping = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(ContinuousClock.now - stopping < .seconds(2))
        }
        // Rotation kept two files however many runs there were.
        #expect(try housekeeping.listBackups().count == 2)
    }

    @Test("configuration: per-table retention, backup schedule, and a clear refusal of postgres://")
    func configuration() throws {
        let settings = Settings(environment: ["DATA_DIR": "/srv/cdt", "RETENTION_DAYS": "30", "RETENTION_OHLCV_DAYS": "365",
                                              "RETENTION_API_CALLS_DAYS": "0", "BACKUP_INTERVAL_HOURS": "0.5", "BACKUP_KEEP": "3"])
        let configuration = try StoreConfiguration(settings: settings)
        #expect(configuration.databasePath == "/srv/cdt/cryptodt.sqlite")
        #expect(configuration.backupDirectory == "/srv/cdt/backups")
        #expect(configuration.retentionDays[.ohlcv] == 365)
        #expect(configuration.retentionDays[.prices] == 30)
        #expect(configuration.retentionDays[.apiCalls] == nil)
        #expect(configuration.backupInterval == .seconds(1_800))
        #expect(configuration.backupKeep == 3)
        #expect(configuration.retentionCutoffs(now: 100 * F.day)[.ohlcv] == -265 * F.day)

        let defaults = try StoreConfiguration(settings: Settings(environment: ["DATA_DIR": "/d"]))
        #expect(defaults.retentionDays.count == HistoryTable.allCases.count)
        #expect(defaults.retentionDays.values.allSatisfy { $0 == 90 })
        #expect(defaults.backupInterval == .seconds(86_400))
        #expect(defaults.backupKeep == 7)

        #expect(throws: StoreConfigurationError.self) {
            try StoreConfiguration(settings: Settings(environment: ["DATABASE_URL": "postgres://u@db/cdt"]))
        }
        #expect(StoreConfigurationError.postgresNotBuilt.description.contains("PostgreSQL backend of store-svc is not built yet"))
        #expect(throws: StoreConfigurationError.self) {
            try StoreConfiguration(settings: Settings(environment: ["BACKUP_KEEP": "many"]))
        }
    }
}
