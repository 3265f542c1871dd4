import Logging
import Metrics
import NIOCore
import Synchronization

/// Fans notifications out to the connections subscribed to their topic.
///
/// A service publishes through the hub (`hub.publish(Market.PricesTopic.self, payload)`); the payload is encoded once
/// and queued on each subscribed connection's bounded outbound queue. A publisher never waits for a slow subscriber:
/// when a connection's queue is full, its oldest pending notifications are dropped and counted.
public final class NotificationHub: Sendable {
    private struct Subscriber {
        var patterns: Set<String>
        let continuation: AsyncStream<ByteBuffer>.Continuation
    }

    private let subscribers = Mutex<[UInt64: Subscriber]>([:])
    private let nextID = Atomic<UInt64>(1)
    private let dropped = Counter(label: "rpc_notifications_dropped_total")
    private let published = Counter(label: "rpc_notifications_published_total")
    /// Maximum queued notifications per connection.
    public let queueLimit: Int

    /// Creates a hub with a per-connection queue limit.
    public init(queueLimit: Int = 4_096) {
        self.queueLimit = queueLimit
    }

    /// Publishes a typed notification to every subscriber of its topic.
    public func publish<T: RPCTopic>(_ topic: T.Type, _ payload: T.Payload) {
        publish(topic: T.name, payload)
    }

    /// Publishes a payload under a topic name. Returns the number of connections it was queued for.
    @discardableResult
    public func publish<P: Encodable & Sendable>(topic: String, _ payload: P) -> Int {
        let targets = subscribers.withLock { subs in
            subs.values.filter { Self.matches(topic: topic, patterns: $0.patterns) }.map(\.continuation)
        }
        guard !targets.isEmpty else { return 0 }
        guard let frame = try? RPCCodec.notification(method: topic, params: payload) else { return 0 }
        published.increment()
        for continuation in targets {
            if case .dropped = continuation.yield(frame) { dropped.increment() }
        }
        return targets.count
    }

    /// The number of connections currently subscribed to `topic`.
    public func subscriberCount(topic: String) -> Int {
        subscribers.withLock { subs in subs.values.filter { Self.matches(topic: topic, patterns: $0.patterns) }.count }
    }

    static func matches(topic: String, patterns: Set<String>) -> Bool {
        if patterns.contains(topic) || patterns.contains("*") { return true }
        for pattern in patterns where pattern.hasSuffix(".*") {
            if topic.hasPrefix(pattern.dropLast()) { return true }
        }
        return false
    }

    /// Registers a connection; returns its id and the stream of frames to write to it.
    func register() -> (UInt64, AsyncStream<ByteBuffer>) {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(queueLimit))
        subscribers.withLock { $0[id] = Subscriber(patterns: [], continuation: continuation) }
        return (id, stream)
    }

    /// Removes a connection and ends its stream.
    func unregister(_ id: UInt64) {
        let removed = subscribers.withLock { $0.removeValue(forKey: id) }
        removed?.continuation.finish()
    }

    /// Adds or removes topic patterns of a connection; returns its patterns afterwards.
    func update(_ id: UInt64, add: [String] = [], remove: [String] = []) -> [String] {
        subscribers.withLock { subs in
            guard var subscriber = subs[id] else { return [] }
            subscriber.patterns.formUnion(add)
            subscriber.patterns.subtract(remove)
            subs[id] = subscriber
            return subscriber.patterns.sorted()
        }
    }
}
