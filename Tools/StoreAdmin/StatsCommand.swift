import ArgumentParser
import Contracts
import CryptoModels
import Foundation
import RPC
import Store

/// `cryptodt-admin stats`: size and rows per table, through store-svc or on the file with `--direct`.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Database size, rows and time range per table.")

    @OptionGroup var options: AdminOptions

    @Flag(help: "Open the database file directly instead of asking store-svc (implied by --database).")
    var direct = false

    @Flag(help: "Print the stats as JSON.")
    var json = false

    func run() async throws {
        let stats: StoreStats
        if direct || options.database != nil {
            let store = try SQLiteHistoryStore(path: try options.configuration().databasePath)
            defer { try? store.close() }
            stats = try await store.stats()
        } else {
            let client = try options.client()
            defer { client.close() }
            stats = try await client.call(Contracts.Store.Stats.self, NoParams())
        }
        if json {
            print(try Output.json(stats))
            return
        }
        print("\(stats.path): \(Output.bytes(stats.fileBytes)) (+ \(Output.bytes(stats.walBytes)) WAL), \(stats.pageCount) pages of \(stats.pageSize) B, \(stats.freelistCount) free")
        for table in stats.tables {
            let range = table.oldest.map { "\(Timestamps.iso8601($0)) … \(Timestamps.iso8601(table.newest ?? $0))" } ?? ""
            print("  \(table.table.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(table.rows).padding(toLength: 12, withPad: " ", startingAt: 0)) \(range)")
        }
    }
}
