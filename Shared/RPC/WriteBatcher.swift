import NIOCore
import Synchronization

/// Hands writes from many tasks to a channel in batches: one event-loop hop and one flush carry every write queued
/// since the last batch, instead of a hop, a wake-up and a syscall per write.
///
/// Order is preserved. Close the channel with ``closeAfterPendingWrites(of:)``: it runs after every write sent
/// before it has left, also when called on the event loop itself (where a plain `channel.close` would run at once,
/// ahead of the batch still queued).
final class WriteBatcher<Element: Sendable>: Sendable {
    private struct Pending {
        var items: [Element] = []
        var scheduled = false
    }

    private let channel: any Channel
    private let pending = Mutex(Pending())
    private let dropped: @Sendable (Element) -> Void

    /// Creates a batcher; `dropped` receives items that arrive after the channel closed (they are not written).
    init(channel: any Channel, dropped: @escaping @Sendable (Element) -> Void = { _ in }) {
        self.channel = channel
        self.dropped = dropped
    }

    /// Queues `item`; the first item of a batch schedules the batch on the event loop.
    func send(_ item: Element) {
        let schedule = pending.withLock { pending -> Bool in
            pending.items.append(item)
            guard !pending.scheduled else { return false }
            pending.scheduled = true
            return true
        }
        guard schedule else { return }
        channel.eventLoop.execute { [self] in
            let items = pending.withLock { pending -> [Element] in
                pending.scheduled = false
                defer { pending.items.removeAll(keepingCapacity: true) }
                return pending.items
            }
            guard channel.isActive else {
                // The pipeline's handlers are gone once a channel closes: nothing would see these writes.
                for item in items { dropped(item) }
                return
            }
            for item in items { channel.write(item, promise: nil) }
            channel.flush()
        }
    }

    /// Closes `channel` once the writes already queued on its event loop (this batcher's included) have been flushed.
    static func closeAfterPendingWrites(of channel: any Channel) {
        channel.eventLoop.execute { channel.close(promise: nil) }
    }

    /// Closes the channel once every item sent before this call has been written.
    func closeAfterPendingWrites() {
        Self.closeAfterPendingWrites(of: channel)
    }
}
