import Contracts
import Foundation
import GRDB
import Testing
@testable import Store

/// Opening, pragmas and migrations.
@Suite struct MigrationTests {
    @Test func openingTwiceIsHarmlessAndKeepsData() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("history.sqlite")
        let first = try SQLiteHistoryStore(path: path)
        #expect(try await first.appliedMigrations() == ["v1-history"])
        let quotes = try Fixtures.coincapQuotes()
        #expect(try await first.insertPrices(quotes, source: "coincap") == 50)
        try first.close()

        // Re-open twice: migrations are not re-applied, data is intact.
        for _ in 0..<2 {
            let again = try SQLiteHistoryStore(path: path)
            #expect(try await again.appliedMigrations() == ["v1-history"])
            #expect(try await again.stats().tables.first { $0.table == "prices" }?.rows == 50)
            try again.close()
        }
    }

    @Test func connectionSettings() async throws {
        try await withStore { store, _ async throws in
            let (journal, autoVacuum, foreignKeys, synchronous) = try await store.pool.write { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                 try Int.fetchOne(db, sql: "PRAGMA auto_vacuum"),
                 try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                 try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(journal == "wal")
            #expect(autoVacuum == 2) // INCREMENTAL
            #expect(foreignKeys == 1)
            #expect(synchronous == 1) // NORMAL
            let readerForeignKeys = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
            #expect(readerForeignKeys == 1)
        }
    }

    @Test func schemaHasEveryTableAndCandlesAreWithoutRowid() async throws {
        try await withStore { store, _ async throws in
            let tables = try await store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            }
            for name in ["prices", "ohlcv", "market_snapshots", "defi_protocols", "news", "news_assets", "fear_greed",
                         "providers", "api_calls", "user_requests", "api_keys"] {
                #expect(tables.contains(name), "missing table \(name)")
            }
            let ohlcvSQL = try await store.pool.read { db in
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'ohlcv'")
            }
            #expect(ohlcvSQL?.contains("WITHOUT ROWID") == true)
        }
    }

    @Test func databaseURLsMapToPaths() throws {
        #expect(try SQLiteHistoryStore.databasePath(fromURL: "sqlite:///data/cryptodt.sqlite") == "/data/cryptodt.sqlite")
        #expect(try SQLiteHistoryStore.databasePath(fromURL: "sqlite://./data/cryptodt.sqlite") == "./data/cryptodt.sqlite")
        #expect(try SQLiteHistoryStore.databasePath(fromURL: "/tmp/x.sqlite") == "/tmp/x.sqlite")
        #expect(throws: StoreError.self) { try SQLiteHistoryStore.databasePath(fromURL: "postgres://db:5432/cryptodt") }
        #expect(throws: StoreError.self) { try SQLiteHistoryStore.databasePath(fromURL: "sqlite://") }
    }

    @Test func emptyPathIsRejected() {
        #expect(throws: StoreError.invalidArgument("database path is empty")) { try SQLiteHistoryStore(path: "") }
    }
}
