import ArgumentParser
import Contracts
import Foundation
import RPC
import Store

/// `cryptodt-admin integrity`: `PRAGMA integrity_check` through store-svc, or on the file with `--direct`.
struct IntegrityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "integrity", abstract: "Run PRAGMA integrity_check; exits 1 unless it answers ok.")

    @OptionGroup var options: AdminOptions

    @Flag(help: "Open the database file directly instead of asking store-svc (implied by --database).")
    var direct = false

    func run() async throws {
        let lines: [String]
        if direct || options.database != nil {
            let store = try SQLiteHistoryStore(path: try options.configuration().databasePath)
            defer { try? store.close() }
            lines = try await store.integrityCheck()
        } else {
            let client = try options.client()
            defer { client.close() }
            lines = try await client.call(Contracts.Store.IntegrityCheck.self, NoParams()).lines
        }
        for line in lines { print(line) }
        if lines != ["ok"] { throw ExitCode(1) }
    }
}
