import Configuration
import Contracts
import Foundation
import Logging
import RPC

/// The process configuration, read from the environment (ARCHITECTURE.md §4) through swift-configuration.
///
/// Keys are dotted (`data.dir`) and map to upper-case environment variables (`DATA_DIR`). Secrets (`JWT_SECRET`,
/// `ADMIN_API_KEY`, `*_API_KEY`) are read as secrets, so the configuration layer redacts them in its own logging.
public struct Settings: Sendable {
    /// The underlying reader, for service-specific keys.
    public let reader: ConfigReader
    /// `development` (default) or `production`.
    public let environment: String
    /// Gateway HTTP port (`PORT`, default 7860).
    public let port: Int
    /// Data directory (`DATA_DIR`, default `./data`).
    public let dataDir: String
    /// Socket directory (`SOCKET_DIR`, default `$DATA_DIR/run`).
    public let socketDir: String
    /// Store location (`DATABASE_URL`, default `sqlite://$DATA_DIR/cryptodt.sqlite`).
    public let databaseURL: String
    /// Log level (`LOG_LEVEL`, default `info`).
    public let logLevel: Logger.Level

    /// Reads the settings from `environment` (the process environment by default).
    public init(environment variables: [String: String] = ProcessInfo.processInfo.environment) {
        let provider = EnvironmentVariablesProvider(
            environmentVariables: variables,
            secretsSpecifier: .dynamic { key, _ in key.hasSuffix("_API_KEY") || key.hasSuffix("_SECRET") })
        let reader = ConfigReader(provider: provider)
        self.reader = reader
        environment = reader.string(forKey: "environment", default: "development").lowercased()
        port = reader.int(forKey: "port", default: 7860)
        let dataDir = reader.string(forKey: "data.dir", default: "./data")
        self.dataDir = dataDir
        socketDir = reader.string(forKey: "socket.dir", default: (dataDir as NSString).appendingPathComponent("run"))
        databaseURL = reader.string(forKey: "database.url",
                                    default: "sqlite://" + (dataDir as NSString).appendingPathComponent("cryptodt.sqlite"))
        logLevel = Logger.Level(rawValue: reader.string(forKey: "log.level", default: "info").lowercased()) ?? .info
    }

    /// Whether strict production checks apply.
    public var isProduction: Bool { environment == "production" }

    /// The RPC address of a service: `<NAME>_RPC_ADDRESS` when set, else `$SOCKET_DIR/<name>.sock`.
    public func rpcAddress(of service: ServiceName) throws -> RPCAddress {
        if let text = reader.string(forKey: ConfigKey(service.addressKey)), !text.isEmpty {
            return try RPCAddress(parsing: text)
        }
        return .unix(path: (socketDir as NSString).appendingPathComponent(service.socketFile))
    }

    /// A string setting by dotted key (`coingecko.base.url` ↔ `COINGECKO_BASE_URL`).
    public func string(_ key: String, default defaultValue: String) -> String {
        reader.string(forKey: ConfigKey(key), default: defaultValue)
    }

    /// An optional string setting; empty values count as unset.
    public func string(_ key: String) -> String? {
        guard let value = reader.string(forKey: ConfigKey(key)), !value.isEmpty else { return nil }
        return value
    }

    /// A secret setting (never logged by the configuration layer); empty values count as unset.
    public func secret(_ key: String) -> String? {
        guard let value = reader.string(forKey: ConfigKey(key), isSecret: true), !value.isEmpty else { return nil }
        return value
    }

    /// An integer setting.
    public func int(_ key: String, default defaultValue: Int) -> Int {
        reader.int(forKey: ConfigKey(key), default: defaultValue)
    }

    /// A duration setting given in (possibly fractional) seconds.
    public func seconds(_ key: String, default defaultValue: Double) -> Duration {
        let text = reader.string(forKey: ConfigKey(key))
        let value = text.flatMap(Double.init) ?? defaultValue
        return .milliseconds(Int64((value * 1_000).rounded()))
    }
}
