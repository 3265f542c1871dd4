import AsyncHTTPClient
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
