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

/// Where a method's handler runs.
///
/// A short call spends most of its round trip on thread hand-offs: on an idle machine each hop to another thread is
/// a wake-up of 10–20 µs. So by default a handler runs on the event loop of the connection that read its request
/// (the thread that decoded the frame and will write the answer): a handler that answers without suspending costs
/// no hop at all, and one that awaits (an actor, GRDB's async `read`/`write`, an HTTP fetch) suspends without holding
/// the loop. What must never run there is work that *blocks the thread*: synchronous file or database I/O, a lock held
/// for long, a `sleep`, or CPU work of more than a few hundred microseconds (it would stall every other call and
/// every other channel on that loop). Such a method registers with ``concurrencyPool`` — or, when it may block for
/// long, with ``executor(_:)`` and an executor of its own threads, so that it does not hold one of the few threads of
/// Swift's cooperative pool either.
public enum RPCHandlerPlacement: Sendable, Equatable {
    /// On the connection's event loop (the default): for handlers that only compute briefly or suspend.
    case eventLoop
    /// On Swift's global concurrent executor: for handlers that may block their thread briefly.
    case concurrencyPool
    /// On the given executor (for example one over a dedicated thread): for handlers that may block for long.
    case executor(any TaskExecutor)

    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.eventLoop, .eventLoop), (.concurrencyPool, .concurrencyPool): true
        case (.executor(let left), .executor(let right)): left === right
        default: false
        }
    }
}

/// The table of methods a server answers, built once at start-up.
public struct RPCRouter: Sendable {
    typealias Handler = @Sendable (_ frame: InboundFrame, _ id: RPCID, _ context: RPCRequestContext) async throws -> ByteBuffer

    /// A registered method: its handler and where it runs.
    struct Route: Sendable {
        let placement: RPCHandlerPlacement
        let handler: Handler

        init(placement: RPCHandlerPlacement, handler: @escaping Handler) {
            self.placement = placement
            self.handler = handler
        }
    }

    private(set) var routes: [String: Route] = [:]

    /// Creates an empty router.
    public init() {}

    /// Registers the handler of a typed method, replacing any earlier one of the same name.
    ///
    /// `placement` says where the handler runs (see ``RPCHandlerPlacement``): keep the default unless the handler
    /// may block its thread.
    public mutating func register<M: RPCMethod>(
        _ method: M.Type,
        placement: RPCHandlerPlacement = .eventLoop,
        _ handler: @escaping @Sendable (M.Params, RPCRequestContext) async throws -> M.Result
    ) {
        routes[M.name] = Route(placement: placement) { frame, id, context in
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

    /// Where `method`'s handler runs, or nil when it is not registered.
    public func placement(of method: String) -> RPCHandlerPlacement? { routes[method]?.placement }

    /// The names of the registered methods, sorted.
    public var methodNames: [String] { routes.keys.sorted() }
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
