import ProviderKit
import ServiceKit

/// defi-svc's configuration (environment variables in brackets).
struct DefiSettings: Sendable {
    /// Freshness of every DefiLlama answer [`DEFI_TTL`, 3600 s].
    var ttl: Duration
    /// Oldest last-known data served flagged `stale` when DefiLlama fails [`DEFI_MAX_STALE`, 86400 s].
    var maxStale: Duration
    /// Time between protocol snapshots [`DEFI_SNAPSHOT_INTERVAL`, 3600 s].
    var snapshotEvery: Duration
    /// Protocols kept per snapshot, largest TVL first [`DEFI_SNAPSHOT_LIMIT`, 500; 0 = all].
    var snapshotLimit: Int
    /// Whether the snapshot collector runs [`DEFI_COLLECTOR_ENABLED`, true].
    var collectorEnabled: Bool
    /// Whether snapshots are written to store-svc [`DEFI_HISTORY`, on].
    var historyEnabled: Bool

    /// Reads the settings.
    init(settings: Settings) {
        ttl = settings.seconds("defi.ttl", default: 3_600)
        maxStale = settings.seconds("defi.max.stale", default: 86_400)
        snapshotEvery = settings.seconds("defi.snapshot.interval", default: 3_600)
        snapshotLimit = max(0, settings.int("defi.snapshot.limit", default: 500))
        collectorEnabled = settings.string("defi.collector.enabled", default: "true") != "false"
        historyEnabled = settings.string("defi.history", default: "on") != "off"
    }

    /// The DefiLlama endpoint configuration: [`DEFILLAMA_BASE_URL`], the shared `PROVIDER_TIMEOUT` (default 5 s
    /// here: `/protocols` is several megabytes), `PROVIDER_BREAKER_THRESHOLD` (5), `PROVIDER_BREAKER_COOLDOWN` (30 s),
    /// `PROVIDER_RETRY_ATTEMPTS` (2) and [`DEFILLAMA_BUDGET_PER_MINUTE`, 120].
    static func endpoint(_ settings: Settings) -> ProviderEndpoint.Configuration {
        ProviderEndpoint.Configuration(
            name: "defillama", baseURL: settings.string("defillama.base.url", default: "https://api.llama.fi"),
            timeout: settings.seconds("provider.timeout", default: 5),
            breakerThreshold: settings.int("provider.breaker.threshold", default: 5),
            breakerCoolDown: settings.seconds("provider.breaker.cooldown", default: 30),
            budgetRequests: settings.int("defillama.budget.per.minute", default: 120), budgetPeriod: .seconds(60),
            retry: RetryPolicy(maxAttempts: settings.int("provider.retry.attempts", default: 2)))
    }
}
