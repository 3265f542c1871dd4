import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TestSupport

/// replay-upstream, store-svc (a real SQLite file), news-sentiment-svc and the gateway as real processes, with
/// news-sentiment-svc restartable on the same data directory.
final class NewsStack: Sendable {
    let directory: TemporaryDirectory
    let replay: ServiceProcess
    let replayPort: Int
    let store: ServiceProcess
    private let current: Mutex<ServiceProcess>
    /// The running news-sentiment-svc.
    var news: ServiceProcess { current.withLock { $0 } }
    let gateway: ServiceProcess
    let port: Int
    let http: HTTPClient
    let environment: [String: String]

    /// `Tests/Fixtures`.
    static let fixtures = NewsFixtures.directory.path

    /// Starts the replay upstream and runs `prepare` on its base URL (routes, faults) before the services start.
    init(environment extra: @Sendable (String) -> [String: String], prepare: (NewsStack.Control) async throws -> Void) async throws {
        directory = try TemporaryDirectory(prefix: "news")
        let log = directory.file("replay.log")
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(15))))
        let started: (process: ServiceProcess, port: Int)
        do {
            started = try await ReplayUpstreamProcess.start(fixtures: Self.fixtures, logPath: log)
        } catch {
            try? await http.shutdown()
            throw error
        }
        replay = started.process
        let replayPort = started.port
        self.replayPort = replayPort
        let base = "http://127.0.0.1:\(replayPort)"
        try await prepare(Control(http: http, base: base))
        port = try FreePort.next()
        var env = ["DATA_DIR": directory.file("data"), "SOCKET_DIR": directory.file("run"), "PORT": String(port),
                   "LOG_LEVEL": "info", "ACCESS_LOG": "false", "SENTIMENT_THREADS": "1", "RPC_CALL_TIMEOUT": "10",
                   // The test polls the routes anonymously and often; the tier limits are tested elsewhere.
                   "RATE_LIMIT_ANONYMOUS_PER_MINUTE": "unlimited", "RATE_LIMIT_ANONYMOUS_PER_DAY": "unlimited"]
        env.merge(extra(base)) { _, new in new }
        environment = env
        try FileManager.default.createDirectory(atPath: directory.file("run"), withIntermediateDirectories: true)
        store = try ServiceProcess(executable: BuiltProducts.path("store-svc"), environment: env, logPath: directory.file("store.log"))
        current = Mutex(try ServiceProcess(executable: BuiltProducts.path("news-sentiment-svc"), environment: env,
                                           logPath: directory.file("news-1.log")))
        gateway = try ServiceProcess(executable: BuiltProducts.path("gateway"), environment: env, logPath: directory.file("gateway.log"))
    }

    struct StackError: Error, CustomStringConvertible { let description: String }

    /// The replay upstream's control API.
    struct Control {
        let http: HTTPClient
        let base: String

        /// POSTs JSON to `/_control/<path>`.
        func post(_ path: String, _ json: String) async throws {
            var request = HTTPClientRequest(url: "\(base)/_control/\(path)")
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
            let response = try await http.execute(request, timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1 << 20)
            guard response.status.code < 300 else { throw StackError(description: "control \(path) answered \(response.status)") }
        }
    }

    /// Kills news-sentiment-svc (SIGKILL) and starts it again on the same data directory with `overrides`.
    func restartNews(_ overrides: [String: String]) async throws {
        news.signal(SIGKILL)
        _ = await news.waitForExit(timeout: .seconds(5))
        let next = try ServiceProcess(executable: BuiltProducts.path("news-sentiment-svc"),
                                      environment: environment.merging(overrides) { _, new in new }, logPath: directory.file("news-2.log"))
        current.withLock { $0 = next }
    }

    /// A GET on the gateway, decoded as JSON.
    func json(_ path: String) async throws -> (status: Int, contentType: String, object: [String: Any]) {
        let response = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(15))
        let body = try await response.body.collect(upTo: 8 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        return (Int(response.status.code), response.headers.first(name: "content-type") ?? "", object)
    }

    /// The replay upstream's hit log entries for `path` (status per request).
    func statuses(_ path: String) async throws -> [Int] {
        let response = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(replayPort)/_control/hits"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 64 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        return ((object?["log"] as? [[String: Any]]) ?? []).filter { $0["path"] as? String == path }.compactMap { $0["status"] as? Int }
    }

    /// The logs of the services (for failure messages).
    func logs() -> String {
        "--- news ---\n\(news.output().suffix(3_000))\n--- store ---\n\(store.output().suffix(1_000))\n--- gateway ---\n\(gateway.output().suffix(1_000))"
    }

    /// Stops every process and removes the directory.
    func stop() async {
        await gateway.stop(grace: .seconds(5))
        await news.stop(grace: .seconds(5))
        await store.stop(grace: .seconds(5))
        await replay.stop(grace: .seconds(5))
        try? await http.shutdown()
        directory.remove()
    }
}
