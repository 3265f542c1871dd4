import CryptoModels

/// A successful body: `{"data": …, "meta": {source, as_of, fetched_at, age_s, stale, cached}}` (ARCHITECTURE.md §5).
struct DataEnvelope<T: Encodable & Sendable>: Encodable, Sendable {
    /// The payload.
    var data: T
    /// Provenance and freshness.
    var meta: DataMeta
}
