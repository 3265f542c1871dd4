import Foundation
import HTTPTypes
import Hummingbird
import RPC

/// An RFC 9457 problem answer (`application/problem+json`) with a stable `type` slug.
public struct Problem: Error, Sendable {
    /// Stable problem type, e.g. `invalid-parameter` (a relative URI reference).
    public var type: String
    /// Short summary of the problem type.
    public var title: String
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// Explanation of this occurrence.
    public var detail: String
    /// Extension members.
    public var extensions: [String: JSON]
    /// Extra response headers (e.g. `Retry-After`).
    public var headers: HTTPFields

    /// Creates a problem.
    public init(type: String, title: String, status: HTTPResponse.Status, detail: String,
                extensions: [String: JSON] = [:], headers: HTTPFields = [:]) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    /// A bad query or path parameter.
    public static func invalidParameter(_ name: String, _ detail: String) -> Problem {
        Problem(type: "invalid-parameter", title: "Invalid parameter", status: .badRequest, detail: detail,
                extensions: ["parameter": .string(name)])
    }

    /// The route does not exist.
    public static func notFound(path: String) -> Problem {
        Problem(type: "not-found", title: "Not found", status: .notFound, detail: "no route matches \(path)")
    }

    /// A backend service could not be reached.
    public static func serviceUnavailable(_ service: String, reason: String) -> Problem {
        Problem(type: "service-unavailable", title: "Service unavailable", status: .serviceUnavailable,
                detail: "\(service) is unavailable: \(reason)", extensions: ["service": .string(service)],
                headers: [.retryAfter: "5"])
    }

    /// The media type of problem bodies.
    public static let contentType = "application/problem+json"

    /// Renders the problem with the request id.
    public func response(requestID: String?) -> Response {
        var body: [String: JSON] = extensions
        body["type"] = .string(type)
        body["title"] = .string(title)
        body["status"] = .number(Double(status.code))
        body["detail"] = .string(detail)
        if let requestID { body["request_id"] = .string(requestID) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(JSON.object(body))) ?? Data(#"{"type":"internal-error","status":500}"#.utf8)
        var fields = headers
        fields[.contentType] = Problem.contentType
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    /// Maps an error from a backend call to the problem the client sees, never leaking internals.
    static func from(rpc error: RPCError, service: String) -> Problem {
        if let problem = error.data {
            var headers: HTTPFields = [:]
            if case .number(let seconds)? = problem.extensions["retry_after_s"] {
                headers[.retryAfter] = String(Int(seconds.rounded(.up)))
            } else if problem.status == 503 || problem.status == 429 {
                headers[.retryAfter] = "5"
            }
            return Problem(type: problem.type, title: problem.title,
                           status: HTTPResponse.Status(code: problem.status), detail: problem.detail,
                           extensions: problem.extensions, headers: headers)
        }
        switch error.code {
        case RPCErrorCode.notConnected, RPCErrorCode.connectionLost, RPCErrorCode.shuttingDown:
            return .serviceUnavailable(service, reason: "not reachable")
        case RPCErrorCode.deadlineExceeded:
            return Problem(type: "upstream-timeout", title: "Backend timeout", status: .gatewayTimeout,
                           detail: "\(service) did not answer in time", extensions: ["service": .string(service)],
                           headers: [.retryAfter: "5"])
        case RPCErrorCode.invalidParams:
            return Problem(type: "invalid-parameter", title: "Invalid parameter", status: .badRequest, detail: error.message)
        default:
            return Problem(type: "internal-error", title: "Internal error", status: .internalServerError,
                           detail: "the request could not be completed")
        }
    }
}
