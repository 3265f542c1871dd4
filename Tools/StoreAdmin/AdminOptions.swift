import ArgumentParser
import Contracts
import Foundation
import RPC
import ServiceKit
import Store

/// Where the installation is: read from the same environment as the services (`DATA_DIR`, `DATABASE_URL`,
/// `SOCKET_DIR`, `STORE_RPC_ADDRESS`, `BACKUP_DIR`), each overridable by a flag.
struct AdminOptions: ParsableArguments {
    @Option(help: "Data directory (default: $DATA_DIR or ./data).")
    var dataDir: String?

    @Option(help: "store-svc's RPC address: a socket path or tcp://host:port (default: $STORE_RPC_ADDRESS or $SOCKET_DIR/store.sock).")
    var address: String?

    @Option(help: "The database file; operate on it directly, not through store-svc (default: from $DATABASE_URL).")
    var database: String?

    @Option(help: "Backup directory (default: $BACKUP_DIR or $DATA_DIR/backups).")
    var backupDir: String?

    /// The settings the services would read, with the flags applied.
    func settings() -> Settings {
        var environment = ProcessInfo.processInfo.environment
        if let dataDir {
            environment["DATA_DIR"] = dataDir
            if environment["SOCKET_DIR"] == nil { environment["SOCKET_DIR"] = (dataDir as NSString).appendingPathComponent("run") }
        }
        if let address { environment["STORE_RPC_ADDRESS"] = address }
        if let backupDir { environment["BACKUP_DIR"] = backupDir }
        if let database { environment["DATABASE_URL"] = "sqlite://" + database }
        return Settings(environment: environment)
    }

    /// The store configuration (database path, backup directory, rotation).
    func configuration() throws -> StoreConfiguration {
        do {
            return try StoreConfiguration(settings: settings())
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// A client of store-svc.
    func client() throws -> RPCClient {
        RPCClient(configuration: .init(address: try settings().rpcAddress(of: .store), connections: 1,
                                       connectTimeout: .milliseconds(500), defaultTimeout: .seconds(120)))
    }

    /// store-svc's process info when it answers on its address within a second, else nil.
    func runningService() async throws -> ServiceInfo? {
        let client = try client()
        defer { client.close() }
        return try? await client.call(System.Info.self, NoParams(), timeout: .seconds(1))
    }
}

/// Output helpers.
enum Output {
    /// JSON text of a value, pretty and with sorted keys.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A byte count as text (`12.3 MiB`).
    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count), unit = 0
        while value >= 1_024, unit < units.count - 1 {
            value /= 1_024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
