import ArgumentParser
import Contracts
import CryptoModels
import Foundation
import RPC
import Store

/// `cryptodt-admin backup`: an online backup through the running store-svc, or directly on the database file
/// with `--direct` (for when store-svc is stopped).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Take a backup into the backup directory (rotated to BACKUP_KEEP).",
        discussion: "By default asks the running store-svc (SQLite's online backup API; writers continue). With --direct the database file is opened by this command, which is meant for a stopped store-svc.")

    @OptionGroup var options: AdminOptions

    @Flag(help: "Open the database file directly instead of asking store-svc (implied by --database).")
    var direct = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let info: BackupInfo
        if direct || options.database != nil {
            let configuration = try options.configuration()
            let store = try SQLiteHistoryStore(path: configuration.databasePath)
            defer { try? store.close() }
            info = try await store.backup(to: configuration.backupDirectory, keep: configuration.backupKeep)
        } else {
            let client = try options.client()
            defer { client.close() }
            do {
                info = try await client.call(Contracts.Store.CreateBackup.self, NoParams())
            } catch let error as RPCError where error.code == RPCErrorCode.notConnected {
                throw ValidationError("store-svc does not answer (\(error.message)); start it, or use --direct when it is stopped")
            }
        }
        print(json ? try Output.json(info) : "backup \(info.path) (\(Output.bytes(info.bytes)), taken \(Timestamps.iso8601(info.createdAt)))")
    }
}
