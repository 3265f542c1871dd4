/// A JSON-RPC error object, thrown by handlers and by clients.
///
/// Codes follow JSON-RPC 2.0 (-32700 parse, -32600 invalid request, -32601 unknown method, -32602 invalid params,
/// -32603 internal) plus this project's range -32000…-32019 (see ``RPCErrorCode``). Application errors carry a
/// ``RPCProblem`` in `data`, which the gateway maps to an RFC 9457 problem with the same `type` and `status`.
public struct RPCError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The JSON-RPC error code.
    public var code: Int
    /// A short human-readable message.
    public var message: String
    /// The problem details for application errors.
    public var data: RPCProblem?

    /// Creates an error.
    public init(code: Int, message: String, data: RPCProblem? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// An application error carrying a problem (`type`, HTTP `status`, `detail`, extensions).
    public static func problem(_ type: String, status: Int, title: String, detail: String,
                               extensions: [String: JSON] = [:]) -> RPCError {
        RPCError(code: RPCErrorCode.application, message: detail,
                 data: RPCProblem(type: type, status: status, title: title, detail: detail, extensions: extensions))
    }

    /// Invalid parameters (-32602) with a description of what is wrong.
    public static func invalidParams(_ detail: String) -> RPCError {
        RPCError(code: RPCErrorCode.invalidParams, message: detail,
                 data: RPCProblem(type: "invalid-parameter", status: 400, title: "Invalid parameter", detail: detail))
    }

    public var description: String { "RPC error \(code): \(message)" }

    /// Whether a call that failed with this error was certainly not executed and may be sent again.
    public var isRetryableBeforeExecution: Bool {
        code == RPCErrorCode.shuttingDown || code == RPCErrorCode.notConnected
    }
}

/// Problem details carried in an application error's `data`.
public struct RPCProblem: Sendable, Hashable, Codable {
    /// Stable problem type slug, e.g. `unknown-asset`.
    public var type: String
    /// The HTTP status the gateway answers with.
    public var status: Int
    /// Short summary of the problem type.
    public var title: String
    /// Explanation specific to this occurrence.
    public var detail: String
    /// Extension members (e.g. `candidates`, `providers`).
    public var extensions: [String: JSON]

    /// Creates a problem.
    public init(type: String, status: Int, title: String, detail: String, extensions: [String: JSON] = [:]) {
        self.type = type
        self.status = status
        self.title = title
        self.detail = detail
        self.extensions = extensions
    }
}

/// The error codes used on the wire.
public enum RPCErrorCode {
    /// Invalid JSON was received.
    public static let parseError = -32700
    /// The JSON is not a valid request object (missing `jsonrpc: "2.0"`, `method`, or an oversized frame).
    public static let invalidRequest = -32600
    /// No such method.
    public static let methodNotFound = -32601
    /// The parameters do not decode into the method's `Params`.
    public static let invalidParams = -32602
    /// The handler failed unexpectedly; details are logged, not sent.
    public static let internalError = -32603
    /// An application error; `data` holds an ``RPCProblem``.
    public static let application = -32000
    /// The call's deadline passed before it completed.
    public static let deadlineExceeded = -32001
    /// The server is draining for shutdown and did not start the call; safe to retry elsewhere or later.
    public static let shuttingDown = -32002
    /// The call was cancelled by the caller.
    public static let cancelled = -32003
    /// Client side: no connection could be made to the server (the call was not sent).
    public static let notConnected = -32010
    /// Client side: the connection was lost while the call was in flight (it may or may not have run).
    public static let connectionLost = -32011
}
