import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A JSON-RPC client for one server address, with a small pool of pipelined connections.
///
/// Each pooled connection lives on an event loop fixed when the client is created (it keeps it across reconnects).
/// A call made from a task running on one of those loops (see ``taskExecutor``) uses that loop's connection, so it
/// is sent and its answer resumes the caller without a thread hand-off; other calls are spread round-robin.
///
/// Connections are opened lazily and re-opened after failures with exponential backoff plus jitter; while a
/// connection is backing off, calls fail fast with ``RPCErrorCode/notConnected`` instead of queueing, so callers
/// (the gateway's health check, for one) always answer promptly. A call that the server refused because it was
/// shutting down is retried once on a fresh connection.
public final class RPCClient: Sendable {
    /// Client settings.
    public struct Configuration: Sendable {
        /// The server's address.
        public var address: RPCAddress
        /// Number of pooled connections (calls are spread round-robin).
        public var connections: Int
        /// Timeout for establishing a connection.
        public var connectTimeout: Duration
        /// Deadline of a call when the caller gives none.
        public var defaultTimeout: Duration
        /// Largest accepted response frame.
        public var maxFrameBytes: Int
        /// First reconnect delay; doubles per failure up to `maxBackoff`.
        public var initialBackoff: Duration
        /// Longest reconnect delay.
        public var maxBackoff: Duration

        /// Creates a configuration.
        public init(address: RPCAddress, connections: Int = 2, connectTimeout: Duration = .milliseconds(500),
                    defaultTimeout: Duration = .seconds(10), maxFrameBytes: Int = 64 << 20,
                    initialBackoff: Duration = .milliseconds(50), maxBackoff: Duration = .seconds(2)) {
            self.address = address
            self.connections = max(1, connections)
            self.connectTimeout = connectTimeout
            self.defaultTimeout = defaultTimeout
            self.maxFrameBytes = maxFrameBytes
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }
    }

    /// The client's configuration.
    public let configuration: Configuration
    let group: any EventLoopGroup
    private let pool: ConnectionPool
    private let nextSlot = Atomic<Int>(0)
    private let nextID = Atomic<Int64>(1)

    /// Creates a client; nothing connects until the first call.
    public init(configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.pool = ConnectionPool(size: configuration.connections, configuration: configuration, group: eventLoopGroup)
    }

    /// An executor that runs jobs on the event loop of the client's first connection.
    ///
    /// A task that prefers it — `withTaskExecutorPreference(client.taskExecutor) { … }`, or a task group child
    /// added with `executorPreference: client.taskExecutor` — encodes its requests, is resumed with the answer and
    /// decodes it on that loop: a call then costs no thread hand-off in this process (the loop sends the frame and
    /// reads the answer anyway), where a caller on the global pool pays two (to the loop and back), each a thread
    /// wake-up on an idle machine. Use it for callers that do little besides calls — a relay, a fan-out, a
    /// benchmark — never for work that blocks or computes for long: that would stall every connection on the loop.
    public var taskExecutor: any TaskExecutor { pool.executors[0] }

    /// Convenience initialiser for an address with default settings.
    public convenience init(address: RPCAddress) {
        self.init(configuration: Configuration(address: address))
    }

    /// Calls a typed method and decodes its result.
    ///
    /// Throws ``RPCError``: the server's error, or client-side -32001 (deadline), -32003 (cancelled),
    /// -32010 (not connected: the call was not sent) and -32011 (connection lost while in flight).
    public func call<M: RPCMethod>(_ method: M.Type, _ params: M.Params, timeout: Duration? = nil,
                                   context: RPCCallContext = RPCCallContext()) async throws -> M.Result {
        let frame = try await rawCall(method: M.name, params: params, timeout: timeout, context: context)
        do {
            return try frame.result(M.Result.self)
        } catch {
            throw RPCError(code: RPCErrorCode.internalError,
                           message: "malformed result for \(M.name): \(DecodingErrorDescription(error))")
        }
    }

    /// Calls a method by name; returns the response frame.
    func rawCall<P: Encodable & Sendable>(method: String, params: P, timeout: Duration? = nil,
                                          context: RPCCallContext = RPCCallContext()) async throws -> InboundFrame {
        let timeout = timeout ?? configuration.defaultTimeout
        let deadline = ContinuousClock.now + timeout
        var ctx = context
        ctx.timeoutMs = Int64(timeout.components.seconds * 1_000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        var attempts = 0
        while true {
            attempts += 1
            let id = RPCID.number(nextID.wrappingAdd(1, ordering: .relaxed).oldValue)
            let frame = try RPCCodec.request(id: id, method: method, params: params, ctx: ctx)
            let preferred = pool.slotOnCurrentEventLoop()
                ?? nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue % configuration.connections
            let (connection, slot) = try await pool.connection(preferring: preferred)
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw RPCError(code: RPCErrorCode.deadlineExceeded, message: "deadline exceeded") }
            let response: InboundFrame
            do {
                response = try await connection.roundTrip(id: id, frame: frame, timeout: remaining)
            } catch let error as RPCError where error.code == RPCErrorCode.notConnected && attempts < 3 {
                // The connection died before the frame was written (e.g. the server restarted): reconnect and resend.
                pool.discard(connection, slot: slot)
                continue
            }
            if let error = response.error {
                if error.code == RPCErrorCode.shuttingDown, attempts < 3 {
                    pool.discard(connection, slot: slot)
                    continue
                }
                throw error
            }
            return response
        }
    }

    /// Closes every pooled connection.
    public func close() {
        pool.closeAll()
    }
}

/// The client's connections and the reconnect backoff they share (they all reach the same address).
final class ConnectionPool: Sendable {
    private enum Slot {
        case idle
        case connecting(EventLoopFuture<RPCConnection>)
        case connected(RPCConnection)
    }

    private struct State {
        var slots: [Slot]
        var failures = 0
        var retryAt: ContinuousClock.Instant?
    }

    private enum Plan {
        case ready(RPCConnection)
        case wait(EventLoopFuture<RPCConnection>, fallback: RPCConnection?)
        case connect(failures: Int, fallback: RPCConnection?)
        case unavailable
    }

    private let state: Mutex<State>
    private let configuration: RPCClient.Configuration
    private let group: any EventLoopGroup
    /// Each slot's event loop, fixed for the pool's life so that a caller running on a loop finds its connection.
    private let loops: [any EventLoop]
    /// Task executors for `loops`, one each (the same object every time, so a task that prefers one stays on it).
    let executors: [any TaskExecutor]

    init(size: Int, configuration: RPCClient.Configuration, group: any EventLoopGroup) {
        self.state = Mutex(State(slots: Array(repeating: .idle, count: size)))
        self.configuration = configuration
        self.group = group
        self.loops = (0..<size).map { _ in group.next() }
        self.executors = loops.map { EventLoopTaskExecutor(eventLoop: $0) }
    }

    /// The slot whose event loop is the current thread, if the caller runs on one of them.
    func slotOnCurrentEventLoop() -> Int? {
        loops.firstIndex { $0.inEventLoop }
    }

    /// A live connection, preferably slot `index`'s; connects that slot if needed. While backing off after failed
    /// connects it answers with another live connection if there is one, else fails fast.
    func connection(preferring index: Int) async throws -> (RPCConnection, Int) {
        // The common case, without the promise the slow path needs.
        let ready = state.withLock { state -> RPCConnection? in
            if case .connected(let connection) = state.slots[index], connection.isActive { return connection }
            return nil
        }
        if let ready { return (ready, index) }
        let promise = group.next().makePromise(of: RPCConnection.self)
        let plan = state.withLock { state -> Plan in
            if case .connected(let connection) = state.slots[index], connection.isActive { return .ready(connection) }
            let fallback = state.slots.lazy.compactMap { slot -> RPCConnection? in
                if case .connected(let connection) = slot, connection.isActive { return connection }
                return nil
            }.first
            if case .connecting(let future) = state.slots[index] { return .wait(future, fallback: fallback) }
            if let retryAt = state.retryAt, ContinuousClock.now < retryAt {
                return fallback.map(Plan.ready) ?? .unavailable
            }
            state.slots[index] = .connecting(promise.futureResult)
            return .connect(failures: state.failures, fallback: fallback)
        }
        switch plan {
        case .ready(let connection):
            promise.fail(CancellationError())
            return (connection, index)
        case .unavailable:
            promise.fail(CancellationError())
            throw RPCError(code: RPCErrorCode.notConnected, message: "\(configuration.address) unavailable (reconnecting after failures)")
        case .wait(let future, let fallback):
            promise.fail(CancellationError())
            do { return (try await future.get(), index) } catch {
                if let fallback { return (fallback, index) }
                throw notConnected(error)
            }
        case .connect(let failures, let fallback):
            do {
                let connection = try await RPCConnection.connect(
                    to: configuration.address, group: loops[index], maxFrameBytes: configuration.maxFrameBytes,
                    connectTimeout: configuration.connectTimeout)
                state.withLock { state in
                    state.slots[index] = .connected(connection)
                    state.failures = 0
                    state.retryAt = nil
                }
                promise.succeed(connection)
                return (connection, index)
            } catch {
                let delay = Backoff.delay(failures: failures, initial: configuration.initialBackoff, max: configuration.maxBackoff)
                state.withLock { state in
                    state.slots[index] = .idle
                    state.failures = failures + 1
                    state.retryAt = ContinuousClock.now + delay
                }
                promise.fail(error)
                if let fallback { return (fallback, index) }
                throw notConnected(error)
            }
        }
    }

    /// Drops a connection the server is closing, so the next call reconnects at once.
    func discard(_ connection: RPCConnection, slot index: Int) {
        state.withLock { state in
            if case .connected(let current) = state.slots[index], current === connection { state.slots[index] = .idle }
        }
        connection.close()
    }

    /// Closes every connection.
    func closeAll() {
        let open = state.withLock { state -> [RPCConnection] in
            let open = state.slots.compactMap { slot -> RPCConnection? in
                if case .connected(let connection) = slot { return connection }
                return nil
            }
            state.slots = Array(repeating: .idle, count: state.slots.count)
            return open
        }
        for connection in open { connection.close() }
    }

    private func notConnected(_ error: any Error) -> RPCError {
        if let error = error as? RPCError { return error }
        return RPCError(code: RPCErrorCode.notConnected, message: "cannot connect to \(configuration.address): \(error)")
    }
}

/// Exponential backoff with jitter.
enum Backoff {
    /// The delay before retry number `failures + 1`: `initial · 2^failures`, capped, with ±20 % jitter.
    static func delay(failures: Int, initial: Duration, max maximum: Duration) -> Duration {
        let base = initial * (1 << min(failures, 16))
        let capped = base > maximum ? maximum : base
        return capped * Double.random(in: 0.8...1.2)
    }
}
