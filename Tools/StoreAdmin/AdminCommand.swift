import ArgumentParser

/// `cryptodt-admin`: operations on a Crypto-DT-Source installation. Each subcommand lives in its own file.
@main
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cryptodt-admin",
        abstract: "Administer a Crypto-DT-Source installation (API keys, store backups, restore, integrity, stats).",
        subcommands: [KeysCommand.self, BackupCommand.self, BackupsCommand.self, RestoreCommand.self, IntegrityCommand.self, StatsCommand.self])
}
