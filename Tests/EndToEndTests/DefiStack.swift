import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// replay-upstream + store-svc + defi-svc + gateway as real processes, DefiLlama's base URL pointed at the replay,
/// snapshots going to a real store-svc SQLite file in the stack's directory.
final class DefiStack: ReplayStack {
    let directory: TemporaryDirectory
    let replay: ServiceProcess
    let replayPort: Int
    let store: ServiceProcess
    let defi: ServiceProcess
    let gateway: ServiceProcess
    let port: Int
    let http: HTTPClient

    /// The hand-written DefiLlama shapes (no capture exists) served at runtime: `/protocol/aave` and `/v2/chains`.
    static let writtenRoutes = #"""
    [{"path": "/defillama/protocol/aave", "file": "written/defillama_protocol_aave.json"},
     {"path": "/defillama/v2/chains", "file": "written/defillama_chains.json"}]
    """#

    /// The admin key every gateway request of these tests carries (`X-API-Key`).
    static let adminKey = "defi-e2e-admin-key-0123456789-abcdefgh"

    /// Starts the four processes; `environment` adds defi-svc settings (TTL, collector, snapshot interval).
    init(environment: [String: String]) async throws {
        directory = try DefiStack.makeDirectory()
        let (replay, replayPort) = try await ReplayUpstreamProcess.start(fixtures: MarketStack.fixtures, logPath: directory.file("replay.log"))
        self.replay = replay
        self.replayPort = replayPort
        port = try FreePort.next()
        var env: [String: String] = [
            "DATA_DIR": directory.file("data"), "SOCKET_DIR": directory.file("data/run"), "PORT": String(port),
            "LOG_LEVEL": "info", "ACCESS_LOG": "false", "DEFILLAMA_BASE_URL": "http://127.0.0.1:\(replayPort)/defillama",
            "DEFI_COLLECTOR_ENABLED": "false", "PROVIDER_TIMEOUT": "3", "PROVIDER_RETRY_ATTEMPTS": "1",
            // The history route needs the history:read scope: store-svc keeps the keys, ADMIN_API_KEY is bootstrapped.
            "ADMIN_API_KEY": Self.adminKey,
        ]
        env.merge(environment) { _, new in new }
        http = HTTPClient(eventLoopGroupProvider: .singleton,
                          configuration: .init(timeout: .init(connect: .seconds(2), read: .seconds(10))))
        store = try ServiceProcess(executable: BuiltProducts.path("store-svc"), environment: env, logPath: directory.file("store.log"))
        defi = try ServiceProcess(executable: BuiltProducts.path("defi-svc"), environment: env, logPath: directory.file("defi.log"))
        gateway = try ServiceProcess(executable: BuiltProducts.path("gateway"), environment: env, logPath: directory.file("gateway.log"))
        try await control(.POST, "routes", Self.writtenRoutes)
        let ready = await Eventually.wait(timeout: .seconds(20), interval: .milliseconds(50)) { [self] in
            guard let response = try? await get("/api/health"),
                  response.body.contains("provider:defillama") && response.body.contains("\"store-svc\"") else { return false }
            // The admin key is bootstrapped into store-svc after start: wait until it authenticates.
            return (try? await get("/openapi.json"))?.status == 200
        }
        if !ready {
            await stop()
            throw StackError(message: "stack not ready: \(defi.output())\n\(gateway.output())")
        }
    }

    /// A fresh directory with `data/run` made.
    static func makeDirectory() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(prefix: "defi")
        try FileManager.default.createDirectory(atPath: directory.file("data/run"), withIntermediateDirectories: true)
        return directory
    }

    /// defi-svc's socket.
    var defiSocket: String { directory.file("data/run/defi.sock") }
    /// store-svc's socket.
    var storeSocket: String { directory.file("data/run/store.sock") }

    /// A gateway GET, authenticated with the admin key.
    func get(_ path: String) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        try await http.fetch("http://127.0.0.1:\(port)\(path)", headers: [("X-API-Key", Self.adminKey)])
    }

    var processes: [ServiceProcess] { [gateway, defi, store, replay] }
    var loggedService: (name: String, process: ServiceProcess) { ("defi-svc", defi) }
}
