import NIOCore
import Synchronization

/// Hands writes from many tasks to a channel in batches: one event-loop hop and one flush carry every write queued
/// since the last batch, instead of a hop, a wake-up and a syscall per write.
///
/// Order is preserved. A `close()` issued after a `send` (from the same task) runs after that write has left,
/// because both are queued on the event loop in that order.
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
}
