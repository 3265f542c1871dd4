import Contracts
import CryptoModels
import Foundation
import Logging
import RPC
import Store
import TestSupport

/// Contracts' store namespace (the `Store` module is imported too).
typealias API = Contracts.Store

/// store-svc's handlers served in-process by a real RPC server over a Unix socket, on a fresh SQLite file, with a
/// fixed clock.
struct StoreRPCFixture: Sendable {
    /// A fixed "now": 2026-11-27 12:00:00 UTC.
    static let now: EpochMillis = 1_795_780_800_000
    /// One day in ms.
    static let day: Int64 = 86_400_000

    let client: RPCClient
    let store: SQLiteHistoryStore
    let configuration: StoreConfiguration
    let directory: TemporaryDirectory

    /// Runs `body` against a served store; `configure` adjusts the configuration (retention, backups).
    static func with(configure: (inout StoreConfiguration) -> Void = { _ in },
                     _ body: @Sendable (StoreRPCFixture) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "storerpc")
        defer { directory.remove() }
        var configuration = StoreConfiguration(databasePath: directory.file("db/cryptodt.sqlite"),
                                               backupDirectory: directory.file("backups"))
        configure(&configuration)
        let store = try SQLiteHistoryStore(path: configuration.databasePath)
        defer { try? store.close() }
        let housekeeping = StoreHousekeeping(store: store, configuration: configuration,
                                             status: StoreStatus(startupCheck: ["ok"]), now: { now },
                                             logger: Logger(label: "store-test"))
        var router = RPCRouter()
        StoreHandlers(store: store, housekeeping: housekeeping).register(into: &router)
        let finalConfiguration = configuration
        try await RPCTestServer.with(router: router) { _, address, _ in
            let client = RPCClient.patient(address)
            defer { client.close() }
            try await body(StoreRPCFixture(client: client, store: store, configuration: finalConfiguration, directory: directory))
        }
    }

    /// The problem `type` of a failed call, or nil when it succeeded.
    static func problemType(_ operation: () async throws -> Void) async -> String? {
        do {
            try await operation()
            return nil
        } catch let error as RPCError {
            return error.data?.type ?? "code \(error.code)"
        } catch {
            return "\(error)"
        }
    }

    /// A quote of `symbol` at `ts`.
    static func quote(_ symbol: String, _ price: String, at ts: EpochMillis) -> Quote {
        Quote(symbol: symbol, vs: "usd", price: Amount(parsing: price)!, ts: ts)
    }

    /// A closed 1h candle at `openTime` with prices derived from `base`.
    static func candle(_ openTime: EpochMillis, _ base: Int) -> Candle {
        Candle(openTime: openTime, open: Amount(parsing: "\(base).5")!, high: Amount(parsing: "\(base + 10).25")!,
               low: Amount(parsing: "\(base - 10).125")!, close: Amount(parsing: "\(base + 1).00000001")!,
               volume: Amount(parsing: "12.3456789")!, closed: true)
    }
}
