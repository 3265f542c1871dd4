import CryptoModels
import Foundation

// Records written to and read from store-svc. They are the wire types of `Store.*` methods and the value
// types of store-svc's `HistoryStore`, so both sides share one definition.

/// One full market listing as collected at one time from one provider.
public struct MarketSnapshot: Sendable, Hashable, Codable {
    /// When the listing was collected (epoch ms).
    public var ts: EpochMillis
    /// The provider (`coingecko`).
    public var source: String
    /// Quote currency of the prices, lower-case (`usd`).
    public var vs: String
    /// The rows, ranked as the provider ranked them.
    public var entries: [MarketEntry]

    /// Creates a snapshot.
    public init(ts: EpochMillis, source: String, vs: String, entries: [MarketEntry]) {
        self.ts = ts
        self.source = source
        self.vs = vs
        self.entries = entries
    }
}

/// One page of news, newest first, with the total count of items matching the filters.
public struct NewsPage: Sendable, Hashable, Codable {
    /// The items of this page.
    public var items: [NewsItem]
    /// How many items match the filters over all pages.
    public var total: Int
    /// The page number (from 1).
    public var page: Int
    /// The page size asked for.
    public var pageSize: Int

    /// Creates a page.
    public init(items: [NewsItem], total: Int, page: Int, pageSize: Int) {
        self.items = items
        self.total = total
        self.page = page
        self.pageSize = pageSize
    }

    enum CodingKeys: String, CodingKey {
        case items, total, page, pageSize = "page_size"
    }
}

/// What `upsertNews` did: which ids were new and how many known items were refreshed.
public struct NewsUpsertResult: Sendable, Hashable, Codable {
    /// Ids of items that were not stored before, in input order.
    public var newIDs: [String]
    /// How many input items matched a stored item (same normalised URL or guid).
    public var existing: Int

    /// Creates a result.
    public init(newIDs: [String], existing: Int) {
        self.newIDs = newIDs
        self.existing = existing
    }

    enum CodingKeys: String, CodingKey {
        case newIDs = "new_ids", existing
    }
}

/// One outbound call to a provider, for health statistics.
public struct APICallRecord: Sendable, Hashable, Codable {
    /// Provider name (`binance`).
    public var provider: String
    /// Endpoint path or name (`/api/v3/klines`).
    public var endpoint: String
    /// HTTP status, or `nil` when no response arrived (timeout, reset).
    public var status: Int?
    /// Round-trip latency in milliseconds.
    public var latencyMs: Int64
    /// When the call started (epoch ms).
    public var ts: EpochMillis
    /// Error text for a failed call, when any.
    public var error: String?

    /// Creates a record.
    public init(provider: String, endpoint: String, status: Int?, latencyMs: Int64, ts: EpochMillis, error: String? = nil) {
        self.provider = provider
        self.endpoint = endpoint
        self.status = status
        self.latencyMs = latencyMs
        self.ts = ts
        self.error = error
    }

    /// Whether the call counts as a success: a 2xx or 3xx status and no error text.
    public var isSuccess: Bool {
        guard let status, error == nil else { return false }
        return (200..<400).contains(status)
    }

    enum CodingKeys: String, CodingKey {
        case provider, endpoint, status, latencyMs = "latency_ms", ts, error
    }
}

/// Aggregated health of one provider.
public struct ProviderStatus: Sendable, Hashable, Codable {
    /// Provider name.
    public var name: String
    /// Time of the last successful call (epoch ms), if any.
    public var lastOkAt: EpochMillis?
    /// Time of the last failed call (epoch ms), if any.
    public var lastErrorAt: EpochMillis?
    /// Error text (or `HTTP <status>`) of the last failed call.
    public var lastError: String?
    /// Number of successful calls recorded.
    public var okCount: Int64
    /// Number of failed calls recorded.
    public var errorCount: Int64

    /// Creates a status.
    public init(name: String, lastOkAt: EpochMillis?, lastErrorAt: EpochMillis?, lastError: String?, okCount: Int64, errorCount: Int64) {
        self.name = name
        self.lastOkAt = lastOkAt
        self.lastErrorAt = lastErrorAt
        self.lastError = lastError
        self.okCount = okCount
        self.errorCount = errorCount
    }

    enum CodingKeys: String, CodingKey {
        case name, lastOkAt = "last_ok_at", lastErrorAt = "last_error_at", lastError = "last_error", okCount = "ok_count", errorCount = "error_count"
    }
}

/// One request served by the gateway to a user.
public struct UserRequestRecord: Sendable, Hashable, Codable {
    /// When the request arrived (epoch ms).
    public var ts: EpochMillis
    /// The API key id, or `nil` for an anonymous request.
    public var keyID: String?
    /// The route pattern (`/api/ohlcv`).
    public var route: String
    /// HTTP method.
    public var method: String
    /// Response status.
    public var status: Int
    /// Handling latency in microseconds.
    public var latencyUs: Int64
    /// Response body size in bytes.
    public var bytes: Int64

    /// Creates a record.
    public init(ts: EpochMillis, keyID: String?, route: String, method: String, status: Int, latencyUs: Int64, bytes: Int64) {
        self.ts = ts
        self.keyID = keyID
        self.route = route
        self.method = method
        self.status = status
        self.latencyUs = latencyUs
        self.bytes = bytes
    }

    enum CodingKeys: String, CodingKey {
        case ts, keyID = "key_id", route, method, status, latencyUs = "latency_us", bytes
    }
}

/// A stored API key: only its prefix (for look-up) and a hash of the secret are kept.
public struct APIKeyRecord: Sendable, Hashable, Codable {
    /// Stable key id.
    public var id: String
    /// Public prefix of the key, unique, used to find the record.
    public var prefix: String
    /// Hash of the full key (the gateway chooses the scheme, e.g. `sha256:<hex>`).
    public var hash: String
    /// Tier name (`free`, `pro`, `admin`).
    public var tier: String
    /// Granted scopes (`market:read`, …).
    public var scopes: [String]
    /// Optional label.
    public var name: String?
    /// Creation time (epoch ms).
    public var createdAt: EpochMillis
    /// Revocation time (epoch ms); `nil` while active.
    public var revokedAt: EpochMillis?
    /// Last time the key authenticated a request (epoch ms).
    public var lastUsedAt: EpochMillis?

    /// Creates a record.
    public init(id: String, prefix: String, hash: String, tier: String, scopes: [String], name: String? = nil,
                createdAt: EpochMillis, revokedAt: EpochMillis? = nil, lastUsedAt: EpochMillis? = nil) {
        self.id = id
        self.prefix = prefix
        self.hash = hash
        self.tier = tier
        self.scopes = scopes
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    /// Whether the key is still usable.
    public var isActive: Bool { revokedAt == nil }

    enum CodingKeys: String, CodingKey {
        case id, prefix, hash, tier, scopes, name, createdAt = "created_at", revokedAt = "revoked_at", lastUsedAt = "last_used_at"
    }
}

/// One asset's row in one stored market snapshot.
public struct MarketHistoryPoint: Sendable, Hashable, Codable {
    /// When the snapshot was taken (epoch ms).
    public var ts: EpochMillis
    /// The provider of the snapshot.
    public var source: String
    /// Quote currency of the prices.
    public var vs: String
    /// The asset's row.
    public var entry: MarketEntry

    /// Creates a point.
    public init(ts: EpochMillis, source: String, vs: String, entry: MarketEntry) {
        self.ts = ts
        self.source = source
        self.vs = vs
        self.entry = entry
    }
}
