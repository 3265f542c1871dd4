import Contracts
import CryptoModels
import Logging
import Metrics
import ServiceLifecycle
import StoreClient
import Synchronization

/// Where audit batches go: store-svc's `store.user_requests.record` through a ``BufferedStoreWriter``, or a test sink.
public protocol AuditSink: Sendable {
    /// Hands over one batch; returns at once.
    func submit(_ batch: [UserRequestRecord])
    /// Hands over a key's `last_used_at`; returns at once.
    func touch(keyID: String, at: EpochMillis)
}

extension BufferedStoreWriter: AuditSink {
    /// Queues the batch as one `store.user_requests.record` write.
    public func submit(_ batch: [UserRequestRecord]) {
        enqueue(Store.RecordUserRequests.self, .init(requests: batch))
    }

    /// Queues a `store.keys.touch`.
    public func touch(keyID: String, at: EpochMillis) {
        enqueue(Store.TouchKey.self, .init(id: keyID, at: at))
    }
}

/// Records every gateway request (key id or anonymous, route template, method, status, latency, bytes) off the
/// request path: ``record(_:)`` appends to a buffer under a mutex; this `Service` hands the buffer to the sink as
/// one batch every `interval` or as soon as `batchSize` records are waiting, and once more on graceful shutdown.
/// The buffer holds at most `capacity` records; beyond that the oldest are dropped and counted
/// (`gateway_audit_dropped_total`).
public final class AuditRecorder: Service, Sendable {
    let sink: any AuditSink
    let interval: Duration
    let batchSize: Int
    let capacity: Int
    private let buffer = Mutex<[UserRequestRecord]>([])
    private let dropped = Mutex<Int>(0)
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Creates a recorder handing batches to `sink`.
    public init(sink: any AuditSink, interval: Duration = .seconds(1), batchSize: Int = 500, capacity: Int = 100_000) {
        self.sink = sink
        self.interval = interval
        self.batchSize = max(1, batchSize)
        self.capacity = max(self.batchSize, capacity)
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Buffers one record; never blocks on I/O.
    public func record(_ record: UserRequestRecord) {
        let (count, overflow) = buffer.withLock { buffer -> (Int, Int) in
            buffer.append(record)
            let overflow = buffer.count - capacity
            if overflow > 0 { buffer.removeFirst(overflow) }
            return (buffer.count, max(0, overflow))
        }
        if overflow > 0 {
            dropped.withLock { $0 += overflow }
            Counter(label: "gateway_audit_dropped_total").increment(by: overflow)
        }
        if count == batchSize { wake.yield() }
    }

    /// Passes a key's use on to the sink.
    public func touch(keyID: String, at: EpochMillis) { sink.touch(keyID: keyID, at: at) }

    /// Records dropped because the buffer was full.
    public var droppedCount: Int { dropped.withLock { $0 } }

    /// Hands everything buffered to the sink now.
    public func flush() {
        let batch = buffer.withLock { buffer -> [UserRequestRecord] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        guard !batch.isEmpty else { return }
        var start = 0
        while start < batch.count {
            let end = min(batch.count, start + batchSize)
            sink.submit(Array(batch[start..<end]))
            start = end
        }
    }

    /// Flushes every `interval` (or when a batch fills) until graceful shutdown, then flushes what is left.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.interval)
                        self.wake.yield()
                    }
                }
                for await _ in self.wakeups {
                    self.flush()
                    if Task.isCancelled { break }
                }
                group.cancelAll()
            }
        }
        flush()
    }
}
