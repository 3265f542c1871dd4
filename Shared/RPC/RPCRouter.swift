import Logging
import NIOCore

/// What a handler knows about the call it serves.
public struct RPCRequestContext: Sendable {
    /// The JSON-RPC method name.
    public var method: String
    /// The originating request id, when the caller sent one (the gateway's `X-Request-Id`).
    public var requestID: String?
    private let baseLogger: Logger

    /// A logger carrying `rpc.method` and `request.id` metadata (built on first use: most calls never log).
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "rpc.method"] = "\(method)"
        if let requestID { logger[metadataKey: "request.id"] = "\(requestID)" }
        return logger
    }

    /// Creates a context (used by the server, and by tests calling handlers directly).
    public init(method: String, requestID: String? = nil, baseLogger: Logger) {
        self.method = method
        self.requestID = requestID
        self.baseLogger = baseLogger
    }
}

/// An error type that knows its RPC representation; the server maps any other error to -32603 and logs it.
public protocol RPCErrorConvertible: Error {
    /// The error as sent to the caller.
    var rpcError: RPCError { get }
}

/// The table of methods a server answers, built once at start-up.
public struct RPCRouter: Sendable {
    typealias Handler = @Sendable (_ frame: InboundFrame, _ id: RPCID, _ context: RPCRequestContext) async throws -> ByteBuffer

    private(set) var handlers: [String: Handler] = [:]

    /// Creates an empty router.
    public init() {}

    /// Registers the handler of a typed method, replacing any earlier one of the same name.
    public mutating func register<M: RPCMethod>(
        _ method: M.Type,
        _ handler: @escaping @Sendable (M.Params, RPCRequestContext) async throws -> M.Result
    ) {
        handlers[M.name] = { frame, id, context in
            let params: M.Params
            do {
                params = try frame.params(M.Params.self)
            } catch {
                throw RPCError.invalidParams("invalid params for \(M.name): \(DecodingErrorDescription(error))")
            }
            let result = try await handler(params, context)
            return try RPCCodec.result(id: id, result: result)
        }
    }

    /// The names of the registered methods, sorted.
    public var methodNames: [String] { handlers.keys.sorted() }
}

/// A short, client-safe description of a decoding error: the path and what was wrong, without type internals.
struct DecodingErrorDescription: CustomStringConvertible {
    let error: any Error

    init(_ error: any Error) { self.error = error }

    var description: String {
        guard let decoding = error as? DecodingError else { return "malformed value" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "params" : keys.joined(separator: ".")
        }
        switch decoding {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing '\(parent == "params" ? key.stringValue : parent + "." + key.stringValue)'"
        case .typeMismatch(_, let context): return "wrong type at '\(path(context))'"
        case .valueNotFound(_, let context): return "null at '\(path(context))'"
        case .dataCorrupted(let context): return "invalid value at '\(path(context))': \(context.debugDescription)"
        @unknown default: return "malformed value"
        }
    }
}
