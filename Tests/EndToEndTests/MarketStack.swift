import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// replay-upstream + market-svc + gateway as real processes, the provider base URLs pointed at the replay.
final class MarketStack: ReplayStack {
    let directory: TemporaryDirectory
    let replay: ServiceProcess
    let replayPort: Int
    let market: ServiceProcess
    let gateway: ServiceProcess
    let port: Int
    let http: HTTPClient

    /// The fixtures directory (Tests/Fixtures).
    static let fixtures = SystemHarness.repositoryRoot + "/Tests/Fixtures"

    /// Starts the three processes; `environment` adds market-svc settings (short TTLs, breaker settings).
    init(environment: [String: String]) async throws {
        directory = try TemporaryDirectory(prefix: "mkt")
        let (replay, replayPort) = try await ReplayUpstreamProcess.start(fixtures: Self.fixtures, logPath: directory.file("replay.log"))
        self.replay = replay
        self.replayPort = replayPort
        port = try FreePort.next()
        let r = "http://127.0.0.1:\(replayPort)"
        var env: [String: String] = [
            "DATA_DIR": directory.file("data"), "SOCKET_DIR": directory.file("run"), "PORT": String(port),
            "LOG_LEVEL": "info", "ACCESS_LOG": "false",
            "COINGECKO_BASE_URL": "\(r)/coingecko/api/v3", "BINANCE_BASE_URL": "\(r)/binance", "KRAKEN_BASE_URL": "\(r)/kraken",
            "COINCAP_BASE_URL": "\(r)/coincap/v3", "CRYPTOCOMPARE_BASE_URL": "\(r)/cryptocompare",
            "MARKET_COLLECTOR_ENABLED": "false", "MARKET_HISTORY": "off",
            // These tests measure market-svc, not the gateway's anonymous limits (tested in GatewayTests).
            "RATE_LIMIT_ANONYMOUS_PER_MINUTE": "unlimited", "RATE_LIMIT_ANONYMOUS_PER_DAY": "unlimited",
            "RATE_LIMIT_ANONYMOUS_MAX_SYMBOLS": "unlimited", "PROVIDER_TIMEOUT": "0.8", "PROVIDER_RETRY_ATTEMPTS": "1",
        ]
        env.merge(environment) { _, new in new }
        try FileManager.default.createDirectory(atPath: directory.file("run"), withIntermediateDirectories: true)
        market = try ServiceProcess(executable: BuiltProducts.path("market-svc"), environment: env, logPath: directory.file("market.log"))
        gateway = try ServiceProcess(executable: BuiltProducts.path("gateway"), environment: env, logPath: directory.file("gateway.log"))
        http = HTTPClient(eventLoopGroupProvider: .singleton,
                          configuration: .init(timeout: .init(connect: .seconds(2), read: .seconds(10))))
        let ready = await Eventually.wait(timeout: .seconds(20), interval: .milliseconds(50)) { [self] in
            guard let response = try? await get("/api/health") else { return false }
            return response.body.contains("\"market-svc\"") && response.body.contains("provider:coingecko")
        }
        if !ready {
            await stop()
            throw StackError(message: "stack not ready: \(market.output())\n\(gateway.output())")
        }
    }

    /// A gateway GET.
    func get(_ path: String) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        try await http.fetch("http://127.0.0.1:\(port)\(path)")
    }

    /// Installs a fault (`{"path": …, "fault": …}`).
    func fault(_ json: String) async throws { try await control(.POST, "faults", json) }

    var processes: [ServiceProcess] { [gateway, market, replay] }
    var loggedService: (name: String, process: ServiceProcess) { ("market-svc", market) }
}
