import DequeModule
import NIOCore
import Synchronization

/// One WebSocket connection's state: its bounded outbound queue (with conflation of price updates), its
/// subscriptions, its message-rate bucket and its count of invalid messages.
///
/// The hub enqueues without ever waiting: a client that reads too slowly only grows its own queue, and when the
/// queue passes its limit the session asks to be closed with ``LiveCloseCode/slowConsumer``.
///
/// Fast path: when nothing is queued or being written and the socket is writable, a message is handed straight to
/// the connection's event loop (one hop instead of waking a writer task that hops through the WebSocket actor),
/// which keeps fan-out to many clients short; otherwise it is queued for the writer task, which honours the
/// socket's backpressure. Either way messages keep their order.
final class ClientSession: Sendable {
    /// A close the session asked for.
    struct CloseRequest: Sendable, Equatable {
        /// WebSocket close code.
        var code: UInt16
        /// Human-readable reason sent in the close frame.
        var reason: String
    }

    private struct State {
        var queue: Deque<OutboundMessage> = []
        var writerBusy = false
        var close: CloseRequest?
        var subscriptions: Set<LiveChannel> = []
        var lastSent: ContinuousClock.Instant
        var violations = 0
        var tokens: Double
        var refilledAt: ContinuousClock.Instant
    }

    /// Process-unique id.
    let id: UInt64
    /// Who is connected.
    let identity: Identity
    /// The identity's tier limits.
    let limits: LiveTierLimits
    /// Largest queue before the client is closed as too slow.
    let queueLimit: Int
    /// The socket, for the direct write path (nil: always queue).
    private let channel: (any Channel)?
    private let state: Mutex<State>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let closeContinuation: AsyncStream<Void>.Continuation
    /// Signals the writer that messages are queued.
    let wakes: AsyncStream<Void>
    /// Yields once when the session asks to be closed.
    let closes: AsyncStream<Void>

    private static let nextID = Atomic<UInt64>(1)

    /// Creates a session.
    init(identity: Identity, limits: LiveTierLimits, queueLimit: Int, channel: (any Channel)? = nil) {
        self.channel = channel
        id = Self.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        self.identity = identity
        self.limits = limits
        self.queueLimit = queueLimit
        let now = ContinuousClock.now
        state = Mutex(State(lastSent: now, tokens: Double(limits.messagesPerSecond), refilledAt: now))
        (wakes, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (closes, closeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a message. A price update replaces a queued one with the same conflation key (the newer goes to the
    /// back, keeping per-channel order); past the queue limit the session is closed as a slow consumer.
    func enqueue(_ message: OutboundMessage) {
        let outcome: (wake: Bool, closed: Bool) = state.withLock { state in
            guard state.close == nil else { return (false, false) }
            if let channel, state.queue.isEmpty, !state.writerBusy, channel.isWritable {
                // Under the lock, so concurrent producers' messages reach the event loop in queue order.
                channel.writeAndFlush(message.frame, promise: nil)
                state.lastSent = .now
                return (false, false)
            }
            if let key = message.conflationKey, let index = state.queue.firstIndex(where: { $0.conflationKey == key }) {
                state.queue.remove(at: index)
            }
            state.queue.append(message)
            if state.queue.count > queueLimit {
                state.queue.removeAll()
                state.close = CloseRequest(code: LiveCloseCode.slowConsumer,
                                           reason: "slow consumer: more than \(queueLimit) messages waiting")
                return (false, true)
            }
            return (true, false)
        }
        if outcome.wake { wakeContinuation.yield() }
        if outcome.closed { closeContinuation.yield() }
    }

    /// Takes every queued message (for the writer), marking the writer busy until a drain finds nothing, so the
    /// direct path cannot overtake messages still being written.
    func drain() -> [OutboundMessage] {
        state.withLock { state in
            guard !state.queue.isEmpty else {
                state.writerBusy = false
                return []
            }
            state.writerBusy = true
            let batch = Array(state.queue)
            state.queue.removeAll(keepingCapacity: true)
            state.lastSent = .now
            return batch
        }
    }

    /// How long ago the last message was handed to the writer.
    func idle(now: ContinuousClock.Instant = .now) -> Duration {
        state.withLock { now - $0.lastSent }
    }

    /// Asks for the connection to be closed (the first request wins); what is already queued is still sent first.
    func requestClose(code: UInt16, reason: String) {
        let first = state.withLock { state in
            guard state.close == nil else { return false }
            state.close = CloseRequest(code: code, reason: reason)
            return true
        }
        if first { closeContinuation.yield() }
    }

    /// The close the session asked for, if any.
    var closeRequest: CloseRequest? { state.withLock { $0.close } }

    /// Takes one token of the message-rate bucket (capacity and refill rate: the tier's messages per second).
    func admitMessage(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            let rate = Double(limits.messagesPerSecond)
            let elapsed = now - state.refilledAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            state.tokens = min(rate, state.tokens + seconds * rate)
            state.refilledAt = now
            guard state.tokens >= 1 else { return false }
            state.tokens -= 1
            return true
        }
    }

    /// Counts an invalid message; true when the abuse limit is reached.
    func recordViolation(limit: Int) -> Bool {
        state.withLock { state in
            state.violations += 1
            return state.violations >= limit
        }
    }

    /// The subscribed channels.
    var subscriptions: Set<LiveChannel> { state.withLock { $0.subscriptions } }

    /// Adds channels if the total stays within the tier's limit; returns false (adding nothing) otherwise.
    func addSubscriptions(_ channels: [LiveChannel]) -> Bool {
        state.withLock { state in
            let union = state.subscriptions.union(channels)
            guard union.count <= limits.subscriptions else { return false }
            state.subscriptions = union
            return true
        }
    }

    /// Removes channels.
    func removeSubscriptions(_ channels: [LiveChannel]) {
        state.withLock { $0.subscriptions.subtract(channels) }
    }

    /// Ends the signal streams (when the connection is over).
    func finish() {
        wakeContinuation.finish()
        closeContinuation.finish()
    }
}
