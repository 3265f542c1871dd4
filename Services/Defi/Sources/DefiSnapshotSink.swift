import Contracts
import CryptoModels
import StoreClient

/// Where the collector sends protocol snapshots, for history (store-svc).
protocol DefiSnapshotSink: Sendable {
    /// One snapshot of `protocols` taken at `ts`.
    func record(protocols: [DefiProtocol], ts: EpochMillis) async
}

/// store-svc through the shared ``BufferedStoreWriter`` (`store.defi.insert`): queued, never blocking the collector,
/// sent in order with retries while store-svc is down.
struct StoreSnapshotSink: DefiSnapshotSink {
    let writer: BufferedStoreWriter

    /// Queues one `store.defi.insert` of the snapshot.
    func record(protocols: [DefiProtocol], ts: EpochMillis) async {
        guard !protocols.isEmpty else { return }
        // The store keeps its own columns; the per-chain extra split is only needed live.
        let stored = protocols.map { item -> DefiProtocol in
            var copy = item
            copy.chainExtraTvls = nil
            return copy
        }
        writer.enqueue(Store.InsertDefiSnapshots.self, .init(ts: ts, protocols: stored))
    }
}

/// A sink that keeps nothing (`DEFI_HISTORY=off`).
struct NoSnapshotSink: DefiSnapshotSink {
    /// Drops the snapshot.
    func record(protocols: [DefiProtocol], ts: EpochMillis) async {}
}
