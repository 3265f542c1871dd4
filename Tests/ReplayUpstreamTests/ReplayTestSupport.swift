import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ReplayUpstream

/// Locations of the real fixtures and helpers to run a replay server on a free port.
enum ReplayTestSupport {
    /// `Tests/Fixtures`.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// `Tests/Fixtures/replay/routes.json`.
    static let routesFile = fixtures.appendingPathComponent("replay/routes.json")

    /// The bytes of a fixture, e.g. `fixture("coingecko/simple_price.json")`.
    static func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent(path)))
    }

    /// A server over the real routes file (not yet running).
    static func makeServer() throws -> ReplayServer {
        try ReplayServer(configuration: .init(fixturesDirectory: fixtures, routesFile: routesFile))
    }

    /// Runs a server on 127.0.0.1 and a port picked by the system, for the duration of `body`.
    static func withServer<Value>(
        _ body: (ReplayServer, HTTPProbe) async throws -> Value
    ) async throws -> Value {
        let server = try makeServer()
        return try await server.withRunning { address in
            try await body(server, HTTPProbe(port: address.port))
        }
    }
}

/// A response reduced to what the tests look at.
struct ProbeResponse: Sendable {
    let status: Int
    let headers: HTTPFields
    let bytes: [UInt8]

    /// The body as UTF-8 text.
    var text: String { String(decoding: self.bytes, as: UTF8.self) }

    /// The body parsed as JSON (throws when it is not JSON).
    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(self.bytes), options: [.fragmentsAllowed]) }

    /// A header value by (case-insensitive) name.
    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { self.headers[$0] }
    }
}

/// Errors raised by ``HTTPProbe`` itself.
enum ProbeError: Error, Equatable {
    /// No response arrived within the timeout; the connection was closed.
    case timedOut
}

/// Makes one-connection HTTP requests to the server under test.
struct HTTPProbe: Sendable {
    let port: Int

    /// Sends one request on a fresh connection and returns the response.
    ///
    /// `TestClient`'s own timeout cannot interrupt a response that never comes, so the timeout is
    /// enforced here: when it expires the connection is closed (as a real client giving up would)
    /// and ``ProbeError/timedOut`` is thrown.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil,
        timeout: Duration = .seconds(10)
    ) async throws -> ProbeResponse {
        var headers = headers
        if body != nil { headers[.contentType] = "application/json" }
        let request = TestClient.Request(uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let client = TestClient(host: "127.0.0.1", port: self.port, configuration: .init(timeout: .seconds(3600)))
        client.connect()
        do {
            let response = try await withThrowingTaskGroup(of: ProbeResponse?.self) { group in
                group.addTask {
                    let response = try await client.execute(request)
                    return ProbeResponse(
                        status: Int(response.status.code), headers: response.headers,
                        bytes: response.body.map { Array($0.readableBytesView) } ?? [])
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                guard let first = try await group.next(), let response = first else {
                    try? await client.shutdown()  // fails the pending request, so the group can finish
                    throw ProbeError.timedOut
                }
                group.cancelAll()
                return response
            }
            try? await client.shutdown()
            return response
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// `GET uri`.
    func get(_ uri: String, headers: HTTPFields = [:], timeout: Duration = .seconds(10)) async throws -> ProbeResponse {
        try await self.send(.get, uri, headers: headers, timeout: timeout)
    }

    /// `POST uri` with a JSON body.
    func post(_ uri: String, json: String) async throws -> ProbeResponse {
        try await self.send(.post, uri, body: json)
    }

    /// `DELETE uri`.
    func delete(_ uri: String) async throws -> ProbeResponse {
        try await self.send(.delete, uri)
    }

    /// `GET /_control/hits`, decoded.
    func hits() async throws -> HitsReport {
        let response = try await self.get("/_control/hits")
        return try JSONDecoder().decode(HitsReport.self, from: Data(response.bytes))
    }
}
