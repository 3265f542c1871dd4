import Contracts
import CryptoModels
import Foundation
import GRDB
import Testing
@testable import Store

/// Online backup, rotation, listing, and restore.
@Suite struct BackupTests {
    /// Every query's answer, JSON-encoded with sorted keys: two stores answer alike iff these bytes are equal.
    static func snapshot(_ store: SQLiteHistoryStore) async throws -> Data {
        struct Answers: Encodable {
            var prices: [PricePoint], candles: [Candle], tvl: [TvlPoint], days: [TvlPoint], fearGreed: [FearGreedEntry]
            var market: [MarketSnapshot], news: [NewsItem], newsTotal: Int, symbols: [String], protocols: [String]
            var providers: [ProviderStatus], keys: [APIKeyRecord]
        }
        let news = try await store.newsPage(NewsQuery(pageSize: 100))
        let answers = Answers(
            prices: try await store.priceHistory(symbol: "BTC", vs: "usd", from: 1_621_000_000_000, to: 1_622_000_000_000, maxPoints: 50),
            candles: try await store.candles(symbol: "BTCUSDT", interval: .m1, from: 0, to: .max, limit: nil),
            tvl: try await store.defiHistory(slug: "curve", from: 0, to: .max),
            days: try await store.tvlByDay(from: 0, to: 10_000_000_000, chain: nil),
            fearGreed: try await store.fearGreed(from: 0, to: .max),
            market: try await store.latestMarketSnapshots(limit: 5),
            news: news.items, newsTotal: news.total,
            symbols: try await store.knownSymbols(), protocols: try await store.knownProtocols(),
            providers: try await store.providerStatuses(), keys: try await store.listAPIKeys(includeRevoked: true))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(answers)
    }

    @Test func backupRotateAndRestoreGiveIdenticalAnswers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cryptodt.sqlite")
        let backups = directory.path("backups")
        let store = try SQLiteHistoryStore(path: path)
        _ = try await MaintenanceTests.populate(store)
        try await store.createAPIKey(APIKeyRecord(id: "k1", prefix: "cdt_3f9a", hash: "sha256:ab", tier: "pro",
                                                  scopes: ["market:read"], createdAt: 1_000))
        let before = try await Self.snapshot(store)
        #expect(before.count > 10_000)

        let first = try await store.backup(to: backups, keep: 2)
        #expect(URL(fileURLWithPath: first.path).lastPathComponent.hasPrefix("cryptodt-backup-"))
        #expect(first.bytes > 0)
        // The backup is one self-contained file: no -wal/-shm or partial file beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups) == [URL(fileURLWithPath: first.path).lastPathComponent])

        // Change the live database after the backup, and take two more backups: only the 2 newest stay.
        _ = try await store.upsertCandles(symbol: "BTC/USDT", interval: .m1, candles: try Fixtures.krakenCandles(), source: "kraken")
        _ = try await store.deleteOlderThan([.news: .max])
        let atSecond = try await Self.snapshot(store)
        #expect(atSecond != before)
        let second = try await store.backup(to: backups, keep: 2)
        let third = try await store.backup(to: backups, keep: 2)
        let listed = try SQLiteHistoryStore.listBackups(in: backups, databasePath: path)
        #expect(listed.map(\.path) == [third.path, second.path])
        #expect(listed.allSatisfy { $0.createdAt > first.createdAt })
        #expect(FileManager.default.fileExists(atPath: first.path) == false)
        _ = try await store.upsertFearGreed([FearGreedEntry(value: 12, classification: "Extreme Fear", ts: 1_790_000_000_000)])
        try store.close()

        // Restoring the second backup brings back exactly the answers of that moment.
        try SQLiteHistoryStore.restoreBackup(from: second.path, to: path)
        let reopened = try SQLiteHistoryStore(path: path)
        #expect(try await Self.snapshot(reopened) == atSecond)
        #expect(try await reopened.integrityCheck() == ["ok"])
        try reopened.close()
    }

    @Test func restoreBringsBackTheStateAtBackupTime() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cryptodt.sqlite")
        let store = try SQLiteHistoryStore(path: path)
        _ = try await MaintenanceTests.populate(store)
        let before = try await Self.snapshot(store)
        let backup = try await store.backup(to: directory.path("backups"), keep: 3)

        // Lose data after the backup, leaving frames in the live WAL.
        _ = try await store.deleteOlderThan(Dictionary(uniqueKeysWithValues: HistoryTable.allCases.map { ($0, EpochMillis.max) }))
        _ = try await store.upsertFearGreed([FearGreedEntry(value: 12, classification: "Extreme Fear", ts: 1_790_000_000_000)])
        #expect(try await Self.snapshot(store) != before)
        try store.close()

        try SQLiteHistoryStore.restoreBackup(from: backup.path, to: path)
        #expect(FileManager.default.fileExists(atPath: path + "-wal") == false)
        let restored = try SQLiteHistoryStore(path: path)
        defer { try? restored.close() }
        #expect(try await Self.snapshot(restored) == before)
        #expect(try await restored.integrityCheck() == ["ok"])
        #expect(try await restored.appliedMigrations() == ["v1-history"])
        // The restored file is still WAL + incremental auto-vacuum once reopened.
        let autoVacuum = try await restored.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") }
        #expect(autoVacuum == 2)
    }

    @Test func invalidBackupsAreRefusedAndTheDatabaseIsUntouched() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("cryptodt.sqlite")
        let store = try SQLiteHistoryStore(path: path)
        _ = try await store.upsertFearGreed(try Fixtures.fearGreed())
        let good = try await store.backup(to: directory.path("backups"), keep: 1)
        try store.close()
        let originalBytes = try Data(contentsOf: URL(fileURLWithPath: path))

        // Not a database at all (a provider's JSON body).
        let garbage = directory.path("backups/cryptodt-backup-20260101-000000-000.sqlite")
        try Fixtures.data("alternative_me/fng_limit2.json").write(to: URL(fileURLWithPath: garbage))
        #expect(throws: StoreError.self) { try SQLiteHistoryStore.restoreBackup(from: garbage, to: path) }
        // A truncated backup.
        let truncated = directory.path("truncated.sqlite")
        let goodBytes = try Data(contentsOf: URL(fileURLWithPath: good.path))
        try goodBytes.prefix(goodBytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: StoreError.self) { try SQLiteHistoryStore.restoreBackup(from: truncated, to: path) }
        // A healthy SQLite file that is not one of ours.
        let foreign = directory.path("foreign.sqlite")
        let queue = try DatabaseQueue(path: foreign)
        try await queue.write { try $0.execute(sql: "CREATE TABLE t (x INTEGER)") }
        try queue.close()
        #expect(throws: StoreError.self) { try SQLiteHistoryStore.restoreBackup(from: foreign, to: path) }
        #expect(throws: StoreError.self) { try SQLiteHistoryStore.restoreBackup(from: directory.path("missing.sqlite"), to: path) }

        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == originalBytes)
        let reopened = try SQLiteHistoryStore(path: path)
        defer { try? reopened.close() }
        #expect(try await reopened.fearGreed(from: 0, to: .max).map(\.value) == [71, 69])
        // The garbage file is listed (its name fits) but sorts oldest, so rotation would drop it first.
        let listed = try SQLiteHistoryStore.listBackups(in: directory.path("backups"), databasePath: path)
        #expect(listed.last?.path == garbage)
    }

    @Test func backupFileNamesRoundTripTheirTime() {
        let name = SQLiteHistoryStore.backupFileName(base: "cryptodt", at: 1_795_286_640_123)
        #expect(name == "cryptodt-backup-20261121-184400-123.sqlite")
        #expect(SQLiteHistoryStore.parseBackupStamp("20261121-184400-123") == 1_795_286_640_123)
        #expect(SQLiteHistoryStore.parseBackupStamp("2026112-184400-123") == nil)
    }
}
