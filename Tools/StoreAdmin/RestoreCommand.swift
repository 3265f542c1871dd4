import ArgumentParser
import Contracts
import Foundation
import Store

/// `cryptodt-admin restore <file>`: replaces the database by a backup. store-svc must be stopped: a running
/// store holds the file open, and swapping it underneath would lose writes or corrupt its view of the file.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the database by a backup (store-svc must be stopped).",
        discussion: """
            The backup is validated first (PRAGMA integrity_check, known schema). Stop store-svc before restoring, e.g. \
            `supervisorctl stop store-svc`; this command refuses while store-svc answers on its address. The current \
            database is kept beside it as <name>.before-restore-<time> unless --no-keep-current is given.
            """)

    @OptionGroup var options: AdminOptions

    @Argument(help: "The backup file: a path, or a file name in the backup directory.")
    var backup: String

    @Flag(inversion: .prefixedNo, help: "Keep a copy of the current database file before replacing it.")
    var keepCurrent = true

    func run() async throws {
        let configuration = try options.configuration()
        if let info = try await options.runningService() {
            throw ValidationError("store-svc is running (pid \(info.pid), \(info.rpcAddress)); stop it first (e.g. `supervisorctl stop store-svc`), then restore")
        }
        var path = backup
        if !FileManager.default.fileExists(atPath: path) {
            let candidate = (configuration.backupDirectory as NSString).appendingPathComponent(backup)
            guard FileManager.default.fileExists(atPath: candidate) else {
                throw ValidationError("no backup at \(backup) nor in \(configuration.backupDirectory)")
            }
            path = candidate
        }
        let database = configuration.databasePath
        if keepCurrent, FileManager.default.fileExists(atPath: database) {
            let copy = database + ".before-restore-\(Int(Date().timeIntervalSince1970))"
            let store = try SQLiteHistoryStore(path: database)
            // An online backup of the current file folds its WAL in, so the kept copy is complete on its own.
            let info = try await store.backup(to: (database as NSString).deletingLastPathComponent + "/.restore-keep", keep: 1)
            try store.close()
            try FileManager.default.moveItem(atPath: info.path, toPath: copy)
            try? FileManager.default.removeItem(atPath: (database as NSString).deletingLastPathComponent + "/.restore-keep")
            print("kept the current database as \(copy)")
        }
        do {
            try SQLiteHistoryStore.restoreBackup(from: path, to: database)
        } catch {
            throw ValidationError("restore refused: \(error)")
        }
        print("restored \(path) to \(database); start store-svc again (e.g. `supervisorctl start store-svc`)")
    }
}
