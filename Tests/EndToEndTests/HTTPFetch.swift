import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension HTTPClient {
    /// One request with optional headers and JSON body (sent with `content-type: application/json`), answered with
    /// status, headers and body text (up to 16 MiB); the stacks of the end-to-end tests use it against their gateway.
    func fetch(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], jsonBody: String? = nil,
               timeout: TimeAmount = .seconds(10)) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let jsonBody {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: jsonBody))
        }
        let response = try await execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), response.headers, String(buffer: bytes))
    }
}

/// The control API of a running replay upstream (routes, faults, hit counts), shared by the end-to-end stacks.
struct ReplayControl: Sendable {
    let http: HTTPClient
    let port: Int

    /// A call on `/_control/<path>`; the answer's body.
    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> String {
        try await http.fetch("http://127.0.0.1:\(port)/_control/\(path)", method: method, jsonBody: body).body
    }

    /// How many requests the replay upstream saw for `path`.
    func hits(_ path: String) async throws -> Int {
        let text = try await call(.GET, "hits")
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return ((object?["by_path"] as? [String: Any])?[path] as? Int) ?? 0
    }
}
