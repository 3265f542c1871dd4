import Contracts
import CryptoModels
import Foundation
import RPC
import Testing
import TestSupport

/// `cryptodt-admin` against a real store-svc: online backup, refusal to restore under a running service, restore.
@Suite("cryptodt-admin", .serialized, .timeLimit(.minutes(2)))
struct StoreAdminTests {
    /// The query results compared before and after: candle range and price history, encoded with sorted keys.
    static func snapshot(_ node: StoreNode, from: EpochMillis, to: EpochMillis) async throws -> Data {
        let candles = try await node.client.call(Contracts.Store.CandleRange.self, .init(symbol: "ZZADM", interval: .h1, from: from, to: to))
        let prices = try await node.client.call(Contracts.Store.PriceHistory.self, .init(symbol: "ZZADM", from: from, to: to, maxPoints: 1_000))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(candles) + Data("\n".utf8) + encoder.encode(prices)
    }

    static func candles(_ from: EpochMillis, count: Int, base: Int) -> [Candle] {
        (0..<count).map { index in
            Candle(openTime: from + Int64(index) * 3_600_000, open: Amount(parsing: "\(base + index).12345678")!,
                   high: Amount(parsing: "\(base + index + 5).5")!, low: Amount(parsing: "\(base + index - 5).25")!,
                   close: Amount(parsing: "\(base + index + 1)")!, volume: Amount(parsing: "0.001")!, closed: true)
        }
    }

    @Test("backup → restore via the CLI round-trips byte-equal query results")
    func backupRestore() async throws {
        let directory = try TemporaryDirectory(prefix: "admin")
        defer { directory.remove() }
        let data = directory.file("data")
        let env = StoreNode.environment(data)
        let from = Interval.h1.openTime(containing: Timestamps.nowMillis()) - 48 * 3_600_000
        let to = from + 47 * 3_600_000
        var node = try await StoreNode.start(data, log: directory.file("store-1.log"))
        let before = try await node.guarding { node in
            _ = try await node.client.call(Contracts.Store.UpsertCandles.self,
                                           .init(symbol: "ZZADM", interval: .h1, candles: Self.candles(from, count: 48, base: 100), source: "t"))
            _ = try await node.client.call(Contracts.Store.InsertPrices.self,
                                           .init(quotes: (0..<48).map { StoreNode.quote("ZZADM", at: from + Int64($0) * 3_600_000) }, source: "t"))
            return try await Self.snapshot(node, from: from, to: to)
        }
        let backup = try await runTool("cryptodt-admin", ["backup"], environment: env, log: directory.file("backup.log"))
        #expect(backup.status == 0, "\(backup.output)")
        #expect(backup.output.hasPrefix("backup \(data)/backups/cryptodt-backup-"))
        let listed = try await runTool("cryptodt-admin", ["backups", "--json"], environment: env, log: directory.file("list.log"))
        let backups = try JSONDecoder().decode([BackupInfo].self, from: Data(listed.output.utf8))
        let file = try #require(backups.first).path
        #expect(backups.count == 1)

        // Later writes change the answers.
        let changed = try await node.guarding { node in
            _ = try await node.client.call(Contracts.Store.UpsertCandles.self,
                                           .init(symbol: "ZZADM", interval: .h1, candles: Self.candles(from, count: 48, base: 900), source: "t"))
            return try await Self.snapshot(node, from: from, to: to)
        }
        #expect(changed != before)

        let refused = try await runTool("cryptodt-admin", ["restore", file], environment: env, log: directory.file("refused.log"))
        #expect(refused.status != 0)
        #expect(refused.output.contains("store-svc is running"), "\(refused.output)")

        await node.stop()
        let restored = try await runTool("cryptodt-admin", ["restore", (file as NSString).lastPathComponent], environment: env,
                                         log: directory.file("restore.log"))
        #expect(restored.status == 0, "\(restored.output)")
        let integrity = try await runTool("cryptodt-admin", ["integrity", "--database", data + "/cryptodt.sqlite"], environment: env,
                                          log: directory.file("integrity.log"))
        #expect(integrity.status == 0)
        #expect(integrity.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")

        node = try await StoreNode.start(data, log: directory.file("store-2.log"))
        let after = try await node.guarding { node in try await Self.snapshot(node, from: from, to: to) }
        #expect(after == before)
        let stats = try await runTool("cryptodt-admin", ["stats", "--json"], environment: env, log: directory.file("stats.log"))
        #expect(stats.status == 0)
        let decoded = try JSONDecoder().decode(StoreStats.self, from: Data(stats.output.utf8))
        #expect(decoded.tables.first { $0.table == "ohlcv" }?.rows == 48)
        await node.stop()
    }

    @Test("store-svc refuses a postgres:// DATABASE_URL at start with a clear message")
    func postgresRefused() async throws {
        let directory = try TemporaryDirectory(prefix: "pg")
        defer { directory.remove() }
        let process = try ServiceProcess(executable: BuiltProducts.path("store-svc"),
                                         environment: StoreNode.environment(directory.file("data"), ["DATABASE_URL": "postgres://u@h/db", "LOG_LEVEL": "info"]),
                                         logPath: directory.file("store.log"))
        let status = await process.waitForExit(timeout: .seconds(20))
        #expect(status != nil && status != 0)
        #expect(process.output().contains("PostgreSQL backend of store-svc is not built yet"), "\(process.output())")
    }
}
