import DequeModule
import NIOCore
import Metrics
import Synchronization

/// A type-erased encodable payload (a snapshot or the last notification of a channel).
struct AnyPayload: Encodable, Sendable {
    let value: any Encodable & Sendable
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// The gateway's fan-out: per channel a sequence counter, a bounded ring buffer of encoded updates (for `resume`),
/// the last payload (for snapshots of notification-only channels) and the subscribed sessions.
///
/// An update is encoded once and the same bytes are queued on every subscriber; queuing never waits (see
/// ``ClientSession/enqueue(_:)``), so one slow client never delays the others or the upstream feed.
final class ChannelHub: Sendable {
    private struct Entry {
        var seq: UInt64 = 0
        var ring: Deque<OutboundMessage> = []
        var subscribers: [UInt64: ClientSession] = [:]
        var last: AnyPayload?
    }

    /// How a subscription's snapshot is made.
    enum Snapshot: Sendable {
        /// Data fetched from the service just before attaching (nil: nothing available).
        case fetched(AnyPayload?)
        /// The channel's last received notification payload (nil until one arrives).
        case lastNotification
    }

    private let entries = Mutex<[LiveChannel: Entry]>([:])
    private let down = Mutex<[LiveUpstream: String]>([:])
    /// Updates kept per channel.
    let ringSize: Int
    /// Identifies this process's `seq` numbering (its start in epoch ms), sent on snapshots: a `resume` naming
    /// another epoch (a restarted gateway) gets a fresh snapshot instead of unrelated updates with matching numbers.
    let epoch = ServerMessages.now()
    private let updates = Counter(label: "ws_updates_published_total")
    private let deliveries = Counter(label: "ws_messages_queued_total")

    /// Creates a hub keeping `ringSize` updates per channel.
    init(ringSize: Int) {
        self.ringSize = ringSize
    }

    /// Publishes an update: assigns the next `seq`, records it in the ring buffer and queues it for every subscriber.
    /// `conflationKey` marks updates a slow client may skip for a newer one with the same key; `keepAsLast` keeps
    /// the payload as the channel's snapshot.
    func publish(_ channel: LiveChannel, _ data: some Encodable & Sendable, conflationKey: String? = nil,
                 keepAsLast: Bool = false, ts: Int64 = ServerMessages.now()) {
        let count = entries.withLock { entries in
            var entry = entries[channel] ?? Entry()
            entry.seq += 1
            let message = OutboundMessage(bytes: ServerMessages.stream("update", channel: channel, seq: entry.seq, ts: ts, data: data),
                                          conflationKey: conflationKey, seq: entry.seq)
            entry.ring.append(message)
            if entry.ring.count > ringSize { entry.ring.removeFirst(entry.ring.count - ringSize) }
            if keepAsLast { entry.last = AnyPayload(value: data) }
            for session in entry.subscribers.values { session.enqueue(message) }
            entries[channel] = entry
            return entry.subscribers.count
        }
        updates.increment()
        deliveries.increment(by: count)
    }

    /// Subscribes a session: queues the snapshot (stamped with the channel's current `seq`, so every later update
    /// has a higher one) and registers the session, atomically with respect to `publish`.
    func attach(_ session: ClientSession, to channel: LiveChannel, snapshot: Snapshot, resync: Bool = false) {
        entries.withLock { entries in
            var entry = entries[channel] ?? Entry()
            let data: AnyPayload? = switch snapshot {
            case .fetched(let payload): payload
            case .lastNotification: entry.last
            }
            session.enqueue(OutboundMessage(bytes: ServerMessages.stream("snapshot", channel: channel, seq: entry.seq,
                                                                         ts: ServerMessages.now(), data: data,
                                                                         resync: resync ? true : nil, epoch: epoch),
                                            conflationKey: nil, seq: nil))
            entry.subscribers[session.id] = session
            entries[channel] = entry
        }
        queueStatusIfDown(session, channel)
    }

    /// Resumes a session after `seq`: when the ring buffer still holds every later update, queues them and registers
    /// the session (true); otherwise changes nothing (false) and the caller sends a fresh snapshot with `resync`.
    func resume(_ session: ClientSession, on channel: LiveChannel, after seq: UInt64) -> Bool {
        let resumed = entries.withLock { entries in
            var entry = entries[channel] ?? Entry()
            guard seq <= entry.seq else { return false }
            if seq < entry.seq {
                guard let oldest = entry.ring.first?.seq, oldest <= seq + 1 else { return false }
                for message in entry.ring where (message.seq ?? 0) > seq { session.enqueue(message) }
            }
            entry.subscribers[session.id] = session
            entries[channel] = entry
            return true
        }
        if resumed { queueStatusIfDown(session, channel) }
        return resumed
    }

    /// Unsubscribes a session from one channel.
    func detach(_ session: ClientSession, from channel: LiveChannel) {
        entries.withLock { entries in _ = entries[channel]?.subscribers.removeValue(forKey: session.id) }
    }

    /// Unsubscribes a session from every channel (when it disconnects).
    func detachAll(_ session: ClientSession) {
        let channels = session.subscriptions
        entries.withLock { entries in
            for channel in channels { _ = entries[channel]?.subscribers.removeValue(forKey: session.id) }
        }
    }

    /// Records that an upstream went away (`reason`) or came back (nil) and tells the subscribers of its channels
    /// with a `status` message. Repeated reports of the same state send nothing.
    func upstream(_ upstream: LiveUpstream, down reason: String?) {
        let changed = down.withLock { down in
            let was = down[upstream]
            down[upstream] = reason
            return (was == nil) != (reason == nil)
        }
        guard changed else { return }
        entries.withLock { entries in
            for (channel, entry) in entries where channel.upstream == upstream && !entry.subscribers.isEmpty {
                let message = OutboundMessage(bytes: Self.status(channel, upstream, reason), conflationKey: nil, seq: nil)
                for session in entry.subscribers.values { session.enqueue(message) }
            }
        }
    }

    /// The current `seq` of a channel (0 before its first update).
    func seq(of channel: LiveChannel) -> UInt64 { entries.withLock { $0[channel]?.seq ?? 0 } }

    /// Sessions subscribed to a channel.
    func subscriberCount(_ channel: LiveChannel) -> Int { entries.withLock { $0[channel]?.subscribers.count ?? 0 } }

    private func queueStatusIfDown(_ session: ClientSession, _ channel: LiveChannel) {
        guard let upstream = channel.upstream, let reason = down.withLock({ $0[upstream] }) else { return }
        session.enqueue(OutboundMessage(bytes: Self.status(channel, upstream, reason), conflationKey: nil, seq: nil))
    }

    private static func status(_ channel: LiveChannel, _ upstream: LiveUpstream, _ reason: String?) -> ByteBuffer {
        ServerMessages.status(channel: channel, status: reason == nil ? "live" : "upstream-unavailable",
                              service: upstream.service.executable, detail: reason)
    }
}
