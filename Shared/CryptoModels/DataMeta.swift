/// Provenance and freshness of a response's data: the `meta` object of every successful body.
public struct DataMeta: Sendable, Hashable, Codable {
    /// The provider (or `store`) the data came from.
    public var source: String
    /// When the data was true at the source (epoch ms).
    public var asOf: EpochMillis
    /// When we fetched it (epoch ms).
    public var fetchedAt: EpochMillis
    /// Seconds since `fetchedAt` at the time of answering.
    public var ageS: Double
    /// True when every provider failed and this is last-known data.
    public var stale: Bool
    /// True when served from cache rather than a fresh upstream call.
    public var cached: Bool

    /// Creates a meta object.
    public init(source: String, asOf: EpochMillis, fetchedAt: EpochMillis, ageS: Double = 0, stale: Bool = false, cached: Bool = false) {
        self.source = source
        self.asOf = asOf
        self.fetchedAt = fetchedAt
        self.ageS = ageS
        self.stale = stale
        self.cached = cached
    }

    enum CodingKeys: String, CodingKey {
        case source, asOf = "as_of", fetchedAt = "fetched_at", ageS = "age_s", stale, cached
    }
}
