import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// replay-upstream + market-svc + gateway as real processes, the provider base URLs pointed at the replay.
final class MarketStack: Sendable {
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
    init(environment: [String: String] = [:]) async throws {
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

    struct StackError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    /// A gateway GET.
    func get(_ path: String) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        try await http.fetch("http://127.0.0.1:\(port)\(path)")
    }

    /// A gateway GET decoded as a JSON object.
    func json(_ path: String) async throws -> (status: Int, headers: HTTPHeaders, object: [String: Any]) {
        let response = try await get(path)
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any] ?? [:]
        return (response.status, response.headers, object)
    }

    /// A control-API call on the replay upstream.
    @discardableResult
    func control(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> String {
        try await ReplayControl(http: http, port: replayPort).call(method, path, body)
    }

    /// Installs a fault (`{"path": …, "fault": …}`).
    func fault(_ json: String) async throws { try await control(.POST, "faults", json) }

    /// How many requests the replay upstream saw for `path`.
    func hits(_ path: String) async throws -> Int {
        try await ReplayControl(http: http, port: replayPort).hits(path)
    }

    /// Stops every process and removes the directory.
    func stop() async {
        await gateway.stop(grace: .seconds(5))
        await market.stop(grace: .seconds(5))
        await replay.stop(grace: .seconds(5))
        try? await http.shutdown()
        directory.remove()
    }

    /// Runs `body` against a fresh stack and always stops it.
    static func with(_ environment: [String: String] = [:], _ body: (MarketStack) async throws -> Void) async throws {
        let stack = try await MarketStack(environment: environment)
        do {
            try await body(stack)
        } catch {
            print("market-svc log:\n\(stack.market.output().suffix(4_000))")
            await stack.stop()
            throw error
        }
        await stack.stop()
    }
}
