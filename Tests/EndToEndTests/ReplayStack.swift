import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// Real service processes behind the gateway with the replay upstream as every provider (``MarketStack``,
/// ``DefiStack``): what the stacks share — JSON GETs, the replay's control API, stopping, and `with`.
protocol ReplayStack: Sendable {
    /// Starts the stack; `environment` adds service settings.
    init(environment: [String: String]) async throws
    /// The stack's temporary directory (data, sockets, logs).
    var directory: TemporaryDirectory { get }
    /// The replay upstream's port.
    var replayPort: Int { get }
    /// The client for the gateway and the replay's control API.
    var http: HTTPClient { get }
    /// Every process, in the order they are stopped (the gateway first, the replay upstream last).
    var processes: [ServiceProcess] { get }
    /// The service whose log a failing test prints (name, process).
    var loggedService: (name: String, process: ServiceProcess) { get }
    /// A gateway GET.
    func get(_ path: String) async throws -> (status: Int, headers: HTTPHeaders, body: String)
}

extension ReplayStack {
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

    /// How many requests the replay upstream saw for `path`.
    func hits(_ path: String) async throws -> Int {
        try await ReplayControl(http: http, port: replayPort).hits(path)
    }

    /// Stops every process and removes the directory.
    func stop() async {
        for process in processes { await process.stop(grace: .seconds(5)) }
        try? await http.shutdown()
        directory.remove()
    }

    /// Runs `body` against a fresh stack and always stops it; on failure the logged service's log tail is printed.
    static func with(_ environment: [String: String] = [:], _ body: (Self) async throws -> Void) async throws {
        let stack = try await Self(environment: environment)
        do {
            try await body(stack)
        } catch {
            let (name, process) = stack.loggedService
            print("\(name) log:\n\(process.output().suffix(4_000))")
            await stack.stop()
            throw error
        }
        await stack.stop()
    }
}

/// A stack that did not become ready, with its services' logs.
struct StackError: Error, CustomStringConvertible {
    /// What happened, with the logs.
    let message: String
    var description: String { message }
}
