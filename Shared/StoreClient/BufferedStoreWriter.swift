import Contracts
import DequeModule
import Foundation
import Logging
import Metrics
import RPC
import ServiceLifecycle
import Synchronization

/// A write queue in front of store-svc for the collectors: `enqueue` never blocks and never fails; a `Service`
/// (this type's `run()`) sends the writes to store-svc one at a time, in order, retrying with backoff while
/// store-svc is down or restarting.
///
/// The buffer is bounded: it holds at most `capacity` writes, counting the one being sent. When it is full the
/// oldest write still waiting is dropped (never the one in flight), and the drop is counted and reported by
/// ``healthCheck()`` (`store-writer`), which a collector registers with
/// `setup.health.register("store-writer") { writer.healthCheck() }` and runs the writer in `setup.services`. A write the store rejects as invalid (an application error) is dropped at
/// once and counted as `rejected`: sending it again would fail again. Writes are retried after a lost connection,
/// so one may be applied twice; the store's writes are idempotent except `api_calls`/`user_requests` records,
/// which may then count a call twice.
public final class BufferedStoreWriter: Service, Sendable {
    /// Writer settings.
    public struct Configuration: Sendable {
        /// Most writes held (≥ 2: one in flight plus one waiting).
        public var capacity: Int
        /// Deadline of one write call.
        public var callTimeout: Duration
        /// First retry delay; doubles per failure up to `maxBackoff`.
        public var initialBackoff: Duration
        /// Longest retry delay.
        public var maxBackoff: Duration
        /// How long writes still queued at shutdown are given to reach the store.
        public var drainTimeout: Duration

        /// Creates a configuration.
        public init(capacity: Int = 10_000, callTimeout: Duration = .seconds(5), initialBackoff: Duration = .milliseconds(50),
                    maxBackoff: Duration = .seconds(2), drainTimeout: Duration = .seconds(3)) {
            self.capacity = max(2, capacity)
            self.callTimeout = callTimeout
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.drainTimeout = drainTimeout
        }
    }

    /// Counters of the writer, as reported in health.
    public struct Counts: Sendable, Hashable {
        /// Writes waiting or in flight.
        public var queued: Int
        /// Writes accepted by `enqueue` since start.
        public var enqueued: Int
        /// Writes store-svc acknowledged.
        public var sent: Int
        /// Writes dropped because the buffer was full.
        public var dropped: Int
        /// Writes store-svc refused as invalid.
        public var rejected: Int
        /// The last failure's text, if the last attempt failed.
        public var lastError: String?
    }

    /// One queued write: its method name, rows, and how to send it.
    struct Write: Sendable {
        let method: String
        let send: @Sendable (RPCClient, Duration) async throws -> Void
    }

    /// The queue and counters, behind the mutex.
    struct State {
        var queue = Deque<Write>()
        var inFlight = false
        var counts = Counts(queued: 0, enqueued: 0, sent: 0, dropped: 0, rejected: 0, lastError: nil)
        var lastDropAt: ContinuousClock.Instant?
        var failing = false
    }

    /// The writer's settings.
    public let configuration: Configuration
    let client: RPCClient
    let logger: Logger
    let state = Mutex(State())
    let wakeups: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation

    /// Creates a writer sending through `client` (store-svc's address).
    public init(client: RPCClient, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "store-writer")) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a write of any `Store.*` write method; returns at once. Drops the oldest waiting write when full.
    public func enqueue<M: RPCMethod>(_ method: M.Type, _ params: M.Params) where M.Params: Sendable {
        let write = Write(method: M.name) { client, timeout in _ = try await client.call(M.self, params, timeout: timeout) }
        let droppedNow = state.withLock { state -> Int in
            state.queue.append(write)
            state.counts.enqueued += 1
            var dropped = 0
            while state.queue.count + (state.inFlight ? 1 : 0) > configuration.capacity, !state.queue.isEmpty {
                state.queue.removeFirst()
                dropped += 1
            }
            if dropped > 0 {
                state.counts.dropped += dropped
                state.lastDropAt = .now
            }
            return dropped
        }
        if droppedNow > 0 {
            Counter(label: "store_writer_dropped_total").increment(by: droppedNow)
            logger.warning("store write buffer full: dropped the oldest write", metadata: ["rpc.method": "\(M.name)"])
        }
        wake.yield()
    }

    /// The writer's counters now.
    public var counts: Counts {
        state.withLock { state in
            var counts = state.counts
            counts.queued = state.queue.count + (state.inFlight ? 1 : 0)
            return counts
        }
    }

    /// Sends queued writes until graceful shutdown, then gives what is left `drainTimeout` to reach the store.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.flushLoop(deadline: nil) }
        await flushLoop(deadline: ContinuousClock.now + configuration.drainTimeout)
        let left = counts.queued
        if left > 0 { logger.warning("store writer stopped with writes queued", metadata: ["store.queued": "\(left)"]) }
    }

    /// Sends writes in order. With a deadline it stops when the queue is empty or the deadline passes; without one
    /// it waits for more work until cancelled (only that mode iterates `wakeups`, and it runs once).
    func flushLoop(deadline: ContinuousClock.Instant?) async {
        var iterator = deadline == nil ? wakeups.makeAsyncIterator() : nil
        while !Task.isCancelled {
            if let deadline, ContinuousClock.now >= deadline { return }
            guard let write = takeNext() else {
                if deadline != nil { return }
                guard await iterator?.next() != nil else { return }
                continue
            }
            var failures = 0
            while true {
                let timeout = deadline.map { min(configuration.callTimeout, $0 - ContinuousClock.now) } ?? configuration.callTimeout
                do {
                    guard timeout > .zero else { throw RPCError(code: RPCErrorCode.deadlineExceeded, message: "drain deadline passed") }
                    try await write.send(client, timeout)
                    finish(sent: true)
                    break
                } catch let error as RPCError where error.code == RPCErrorCode.application || error.code == RPCErrorCode.invalidParams
                    || error.code == RPCErrorCode.methodNotFound {
                    finish(sent: false)
                    Counter(label: "store_writer_rejected_total").increment()
                    logger.error("store rejected a write", metadata: ["rpc.method": "\(write.method)", "error": "\(error.message)"])
                    break
                } catch {
                    recordFailure(error)
                    let expired = deadline.map { ContinuousClock.now >= $0 } ?? false
                    if Task.isCancelled || expired {
                        putBack(write)
                        return
                    }
                    let delay = Self.backoff(failures: failures, initial: configuration.initialBackoff, max: configuration.maxBackoff)
                    failures += 1
                    do { try await Task.sleep(for: delay) } catch {
                        putBack(write)
                        return
                    }
                }
            }
        }
    }

    /// Moves the oldest waiting write in flight, unless one already is.
    func takeNext() -> Write? {
        state.withLock { state in
            guard !state.inFlight, let write = state.queue.popFirst() else { return nil }
            state.inFlight = true
            return write
        }
    }

    /// Ends the write in flight: acknowledged (`sent`) or rejected.
    func finish(sent: Bool) {
        state.withLock { state in
            state.inFlight = false
            state.failing = false
            state.counts.lastError = nil
            if sent { state.counts.sent += 1 } else { state.counts.rejected += 1 }
        }
    }

    /// Returns the write in flight to the head of the queue (cancelled or out of time).
    func putBack(_ write: Write) {
        state.withLock { state in
            state.inFlight = false
            state.queue.prepend(write)
        }
    }

    /// Notes a failed attempt (the write stays in flight and is retried).
    func recordFailure(_ error: any Error) {
        let text = (error as? RPCError)?.message ?? "\(error)"
        state.withLock { state in
            state.failing = true
            state.counts.lastError = text
        }
    }

    /// `initial · 2^failures`, capped at `max`.
    static func backoff(failures: Int, initial: Duration, max maximum: Duration) -> Duration {
        let delay = initial * (1 << min(failures, 16))
        return delay > maximum ? maximum : delay
    }
}
