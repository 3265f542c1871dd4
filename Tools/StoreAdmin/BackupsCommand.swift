import ArgumentParser
import Contracts
import CryptoModels
import Foundation
import Store

/// `cryptodt-admin backups`: lists the backups in the backup directory, newest first.
struct BackupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backups", abstract: "List the backups, newest first.")

    @OptionGroup var options: AdminOptions

    @Flag(help: "Print the list as JSON.")
    var json = false

    func run() async throws {
        let configuration = try options.configuration()
        let backups = try SQLiteHistoryStore.listBackups(in: configuration.backupDirectory, databasePath: configuration.databasePath)
        if json {
            print(try Output.json(backups))
            return
        }
        if backups.isEmpty { print("no backups in \(configuration.backupDirectory)") }
        for backup in backups {
            print("\(Timestamps.iso8601(backup.createdAt))  \(Output.bytes(backup.bytes))  \(backup.path)")
        }
    }
}
