import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// The whole system under supervisord, started the way `make run` starts it (deploy/run.sh + supervisord.conf),
/// on a free port with its own data directory.
final class SystemHarness: Sendable {
    let directory: TemporaryDirectory
    let port: Int
    let supervisor: ServiceProcess
    let http: HTTPClient
    /// Whether `stop()` deletes the directory (false when the caller passed its own, to start again on the same data).
    let ownsDirectory: Bool

    /// The `ADMIN_API_KEY` every harness system starts with; ``request(_:method:headers:body:)`` sends it unless
    /// told not to (or given another credential), so tests of protected routes are authenticated.
    static let adminKey = "e2e-admin-key-0123456789-abcdefghij"

    /// The repository root (this file is Tests/EndToEndTests/SystemHarness.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Starts supervisord with the real configuration; `environment` adds or overrides variables. With a
    /// `directory`, the system uses `directory/data` (so a later start on the same directory finds the same data)
    /// and `stop()` leaves the directory to the caller.
    init(environment: [String: String] = [:], directory existing: TemporaryDirectory? = nil) async throws {
        directory = try existing ?? TemporaryDirectory(prefix: "e2e")
        ownsDirectory = existing == nil
        port = try FreePort.next()
        var env: [String: String] = [
            "CRYPTODT_BIN": BuiltProducts.directory,
            "PORT": String(port),
            "DATA_DIR": directory.file("data"),
            "LOG_LEVEL": "info",
            "ACCESS_LOG": "false",
            "ADMIN_API_KEY": Self.adminKey,
            // The tiny fixture classifiers keep news-sentiment-svc's models loaded (healthy) without the product models.
            "SENTIMENT_MODEL_DIR": Self.repositoryRoot + "/Tests/Fixtures/inference/tiny-bert",
            "CRYPTO_SENTIMENT_MODEL_DIR": Self.repositoryRoot + "/Tests/Fixtures/inference/tiny-distilbert",
        ]
        env.merge(environment) { _, new in new }
        supervisor = try ServiceProcess(executable: "/bin/bash", arguments: ["deploy/run.sh"], environment: env,
                                        logPath: directory.file("system-\(port).log"), currentDirectory: Self.repositoryRoot)
        http = HTTPClient(eventLoopGroupProvider: .singleton,
                          configuration: .init(timeout: .init(connect: .seconds(2), read: .seconds(5))))
    }

    /// A GET (or other method) against the gateway; returns status, headers and body text.
    /// Sends `X-API-Key: adminKey` when `authenticated` and no credential header is given.
    func request(_ path: String, method: HTTPMethod = .GET, headers: [(String, String)] = [],
                 body: ByteBuffer? = nil, authenticated: Bool = true) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if authenticated, !request.headers.contains(name: "X-API-Key"), !request.headers.contains(name: "Authorization") {
            request.headers.add(name: "X-API-Key", value: Self.adminKey)
        }
        if let body { request.body = .bytes(body) }
        let response = try await http.execute(request, timeout: .seconds(5))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), response.headers, String(buffer: bytes))
    }

    /// `/api/health` decoded, or nil when the gateway does not answer.
    func health() async -> HealthBody? {
        guard let response = try? await request("/api/health") else { return nil }
        return try? JSONDecoder().decode(HealthBody.self, from: Data(response.body.utf8))
    }

    /// Waits until every service reports healthy.
    func waitUntilHealthy(timeout: Duration = .seconds(60)) async -> Bool {
        await Eventually.wait(timeout: timeout, interval: .milliseconds(200)) {
            guard let health = await health() else { return false }
            return health.status == "healthy" && health.services.count == 6
        }
    }

    /// Runs `body` against a freshly started system and always stops it afterwards.
    static func with(environment: [String: String] = [:], directory: TemporaryDirectory? = nil,
                     _ body: (SystemHarness) async throws -> Void) async throws {
        let system = try await SystemHarness(environment: environment, directory: directory)
        do {
            try await body(system)
        } catch {
            await system.stop()
            throw error
        }
        await system.stop()
    }

    /// Stops supervisord (SIGTERM, as Ctrl-C or `docker stop` would) and cleans up.
    func stop() async {
        await supervisor.stop(grace: .seconds(30))
        try? await http.shutdown()
        if ownsDirectory { directory.remove() }
    }
}

/// The parts of `/api/health` the tests read.
struct HealthBody: Decodable {
    struct Service: Decodable {
        var name: String
        var status: String
        var pid: Int32?
        var latency_ms: Double
        var error: String?
    }
    var status: String
    var services: [Service]

    func service(_ name: String) -> Service? { services.first { $0.name == name } }
}
