import Contracts
import CryptoModels
import Logging
import ProviderKit
import ProviderWire
import RPC

/// The heart of market-svc: validates requests, answers from the freshness caches, and otherwise asks the
/// capability's provider chain (single-flighted), falling back to last-known data flagged stale, or a 503 problem.
final class MarketEngine: Sendable {
    let settings: MarketSettings
    let registry: AssetRegistry
    let coingecko: CoinGeckoProvider
    let binance: BinanceProvider
    let providers: [String: any MarketProvider]
    let clock: ProviderClock
    let logger: Logger

    let quoteCache: FreshnessCache<QuoteKey, Quote>
    let marketsCache: FreshnessCache<String, [MarketEntry]>
    let globalCache: FreshnessCache<String, GlobalMarket>
    let trendingCache: FreshnessCache<String, [TrendingCoin]>
    let candleCache: FreshnessCache<String, [Candle]>
    let quoteFlight = SingleFlight<String, [ProviderFailure]>()
    let valueFlight = SingleFlight<String, [ProviderFailure]>()

    /// Key of one cached quote.
    struct QuoteKey: Hashable, Sendable {
        var symbol: String
        var vs: String
    }

    init(settings: MarketSettings, registry: AssetRegistry, endpoints: [ProviderEndpoint], clock: ProviderClock = .system,
         logger: Logger) {
        self.settings = settings
        self.registry = registry
        self.clock = clock
        self.logger = logger
        func endpoint(_ name: String) -> ProviderEndpoint { endpoints.first { $0.name == name }! }
        coingecko = CoinGeckoProvider(endpoint: endpoint("coingecko"))
        binance = BinanceProvider(endpoint: endpoint("binance"), registry: registry)
        providers = [
            "coingecko": coingecko, "binance": binance, "kraken": KrakenProvider(endpoint: endpoint("kraken")),
            "coincap": CoinCapProvider(endpoint: endpoint("coincap")),
            "cryptocompare": CryptoCompareProvider(endpoint: endpoint("cryptocompare")),
        ]
        quoteCache = FreshnessCache(capacity: 20_000, clock: clock)
        marketsCache = FreshnessCache(capacity: 64, clock: clock)
        globalCache = FreshnessCache(capacity: 4, clock: clock)
        trendingCache = FreshnessCache(capacity: 4, clock: clock)
        candleCache = FreshnessCache(capacity: 2_000, clock: clock)
    }

    /// The providers of a chain, in order (unknown names are ignored).
    func chain(_ names: [String]) -> [any MarketProvider] { names.compactMap { providers[$0] } }

    /// Metadata for a cached value as of now.
    func meta<V>(_ entry: CachedValue<V>, stale: Bool, cached: Bool) -> DataMeta {
        let age = entry.age(now: clock.monotonic())
        return DataMeta(source: entry.source, asOf: entry.asOf, fetchedAt: entry.fetchedAt, ageS: (age * 1_000).rounded() / 1_000,
                        stale: stale, cached: cached)
    }

    /// Answers from `cache` when fresh; otherwise runs `fetch` once for all concurrent callers of `key`, then
    /// answers with what it stored, or with last-known data (stale), or throws the failures as a problem.
    func cachedValue<V: Sendable>(
        _ cache: FreshnessCache<String, V>, key: String, what: String,
        fetch: @Sendable () async -> Result<(value: V, provider: String, asOf: Int64?, ttl: Duration), AllProvidersFailed>
    ) async throws(RPCError) -> (V, DataMeta, Double) {
        let now = clock.monotonic()
        if let entry = cache.fresh(key) { return (entry.value, meta(entry, stale: false, cached: true), entry.remaining(now: now)) }
        let started = clock.wallMillis()
        let failures: [ProviderFailure]
        do {
            failures = try await valueFlight.run(key) {
                switch await fetch() {
                case .success(let fetched):
                    cache.store(key, fetched.value, source: fetched.provider, asOf: fetched.asOf, ttl: fetched.ttl)
                    return []
                case .failure(let failed):
                    return failed.failures
                }
            }
        } catch {
            throw RPCError(code: RPCErrorCode.cancelled, message: "cancelled")
        }
        if let entry = cache.fresh(key) {
            return (entry.value, meta(entry, stale: false, cached: entry.fetchedAt < started), entry.remaining(now: clock.monotonic()))
        }
        if let entry = cache.lastKnown(key, maxAge: settings.maxStale) {
            logger.warning("serving stale data", metadata: ["what": "\(what)", "age_s": "\(entry.age(now: clock.monotonic()))"])
            return (entry.value, meta(entry, stale: true, cached: true), 0)
        }
        throw UpstreamProblem.allFailed(failures, what: what)
    }
}
