import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A JSON-RPC 2.0 server over a Unix-domain or TCP stream socket, run as a swift-service-lifecycle `Service`.
///
/// Requests are NDJSON frames; each is handled in its own child task so calls on one connection run concurrently
/// and are answered out of order by `id`. On graceful shutdown the server stops accepting connections, refuses new
/// calls with -32002 (safe to retry), finishes the calls in flight, then closes every connection.
public final class RPCServer: Service, Sendable {
    /// Server settings.
    public struct Configuration: Sendable {
        /// Where to listen.
        public var address: RPCAddress
        /// Largest accepted request frame (default 8 MiB).
        public var maxFrameBytes: Int
        /// File mode of a Unix-domain socket (default 0660).
        public var socketMode: Int
        /// Name used in logs and metrics (`market-svc`).
        public var serviceName: String
        /// Whether a connection's calls run on its event loop (default), except methods registered with
        /// ``RPCHandlerPlacement/concurrencyPool``. When false every handler runs on the global concurrent executor,
        /// as before this option existed — kept so the benchmark can measure the difference in one run.
        public var handlersOnEventLoop: Bool

        /// Creates a configuration.
        public init(address: RPCAddress, serviceName: String, maxFrameBytes: Int = 8 << 20, socketMode: Int = 0o660,
                    handlersOnEventLoop: Bool = true) {
            self.address = address
            self.serviceName = serviceName
            self.maxFrameBytes = maxFrameBytes
            self.socketMode = socketMode
            self.handlersOnEventLoop = handlersOnEventLoop
        }
    }

    let configuration: Configuration
    let router: RPCRouter
    let logger: Logger
    /// The hub that delivers this server's notifications.
    public let hub: NotificationHub
    let state = Mutex(ServerState())
    let metrics: RPCServerMetrics
    private let eventLoopGroup: any EventLoopGroup

    /// Creates a server; it starts listening when run.
    public init(configuration: Configuration, router: RPCRouter, hub: NotificationHub = NotificationHub(),
                logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.router = router
        self.hub = hub
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.metrics = RPCServerMetrics(service: configuration.serviceName)
    }

    /// The address actually bound (with the real port when configured with port 0); waits until listening.
    public func listeningAddress() async throws -> RPCAddress {
        while true {
            if let address = state.withLock({ $0.boundAddress }) { return address }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The number of calls currently executing.
    public var inFlightCalls: Int { state.withLock { $0.connections.values.reduce(0) { $0 + $1.inFlight } } }

    public func run() async throws {
        let serverChannel = try await bind()
        let bound = serverChannel.channel.localAddress
        let address: RPCAddress = switch configuration.address {
        case .unix: configuration.address
        case .tcp(let host, _): .tcp(host: host, port: bound?.port ?? 0)
        }
        state.withLock { $0.boundAddress = address }
        logger.info("RPC server listening", metadata: ["rpc.address": "\(address)", "rpc.methods": "\(router.methodNames.count)"])

        try await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                do {
                    try await serverChannel.executeThenClose { inbound in
                        for try await connection in inbound {
                            // The connection's task prefers its event loop: reading frames, running handlers (see
                            // RPCHandlerPlacement) and writing answers then happen on one thread, without hand-offs.
                            // Child tasks inherit the preference; default actors they call run there too while free.
                            let executor: (any TaskExecutor)? = configuration.handlersOnEventLoop
                                ? EventLoopTaskExecutor(eventLoop: connection.channel.eventLoop) : nil
                            group.addTask(executorPreference: executor) { await self.serve(connection) }
                        }
                    }
                } catch {
                    logger.error("RPC accept loop failed", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            self.logger.info("RPC server draining")
            serverChannel.channel.close(promise: nil)
            self.beginDraining()
        }
        if case .unix(let path) = configuration.address { unlink(path) }
        logger.info("RPC server stopped")
    }

    /// Stops accepting calls; each connection closes once its in-flight calls are done.
    func beginDraining() {
        let idle = state.withLock { state -> [any Channel] in
            state.draining = true
            return state.connections.values.filter { $0.inFlight == 0 }.map(\.channel)
        }
        // Queued behind any answer still waiting on the loop (a call that just finished counts as idle already).
        for channel in idle { WriteBatcher<ByteBuffer>.closeAfterPendingWrites(of: channel) }
    }

    private func bind() async throws -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never> {
        let maxFrame = configuration.maxFrameBytes
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NDJSONFrameDecoder(maxFrameBytes: maxFrame)))
                try channel.pipeline.syncOperations.addHandler(NDJSONFrameEncoder())
                // Deinit-based teardown on purpose: a connection accepted while the server is closing is never handed
                // to the accept loop, and the strict initialiser would then trap when it is dropped. This one closes it.
                return try NIOAsyncChannel(synchronouslyWrapping: channel)
            }
        }
        switch configuration.address {
        case .unix(let path):
            try SocketFiles.prepare(path: path)
            let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false,
                                                   serverBackPressureStrategy: nil, childChannelInitializer: initializer)
            chmod(path, mode_t(configuration.socketMode))
            return channel
        case .tcp(let host, let port):
            return try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        }
    }
}

/// Mutable server state, guarded by the server's mutex.
struct ServerState {
    var boundAddress: RPCAddress?
    var draining = false
    var nextConnectionID: UInt64 = 1
    var connections: [UInt64: ConnectionEntry] = [:]
}

/// One accepted connection's bookkeeping.
struct ConnectionEntry {
    let channel: any Channel
    var inFlight = 0
    /// Accepted calls: waiting for their task to start (possibly already asked to cancel), or running.
    var running: [RPCID: CallState] = [:]
}

/// Where an accepted call is.
enum CallState {
    /// Accepted; its task has not started yet. `cancelRequested` when an `rpc.cancel` (or a disconnect) came first.
    case pending(cancelRequested: Bool)
    /// Running in this task.
    case running(TaskCanceller)

    /// Cancels the call now, or as soon as its task starts.
    mutating func cancel() {
        switch self {
        case .pending: self = .pending(cancelRequested: true)
        case .running(let canceller): canceller.cancel()
        }
    }
}

/// Cancels one running request task.
///
/// `@unchecked Sendable` because `UnsafeCurrentTask` is not `Sendable`; it is safe here because the canceller is only
/// used while it is registered in the connection's table, and the request task unregisters it (under the same lock)
/// before it finishes, so the task is always alive when `cancel()` runs — and `cancel()` itself is thread-safe.
struct TaskCanceller: @unchecked Sendable {
    let task: UnsafeCurrentTask
    func cancel() { task.cancel() }
}
