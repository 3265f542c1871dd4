import Contracts
import CryptoModels
import Logging
import ProviderKit
import ProviderWire
import RPC

/// The heart of defi-svc: answers from the freshness caches (1 h), otherwise asks DefiLlama once for all
/// concurrent callers (single-flight), falling back to last-known data flagged stale, or a 503 problem naming
/// DefiLlama and why it failed.
final class DefiEngine: Sendable {
    let settings: DefiSettings
    let provider: DefiLlamaProvider
    let clock: ProviderClock
    let logger: Logger

    let protocolsCache: FreshnessCache<String, [DefiProtocol]>
    let detailCache: FreshnessCache<String, ProtocolHistory>
    let chainsCache: FreshnessCache<String, [ChainTvl]>
    let historyCache: FreshnessCache<String, [TvlPoint]>
    let flight = SingleFlight<String, [ProviderFailure]>()

    /// Creates the engine over the DefiLlama endpoint.
    init(settings: DefiSettings, endpoint: ProviderEndpoint, clock: ProviderClock = .system, logger: Logger) {
        self.settings = settings
        self.provider = DefiLlamaProvider(endpoint: endpoint)
        self.clock = clock
        self.logger = logger
        protocolsCache = FreshnessCache(capacity: 2, clock: clock)
        detailCache = FreshnessCache(capacity: 512, clock: clock)
        chainsCache = FreshnessCache(capacity: 2, clock: clock)
        historyCache = FreshnessCache(capacity: 512, clock: clock)
    }

    /// Metadata for a cached value as of now.
    func meta<V>(_ entry: CachedValue<V>, stale: Bool, cached: Bool) -> DataMeta {
        let age = entry.age(now: clock.monotonic())
        return DataMeta(source: entry.source, asOf: entry.asOf, fetchedAt: entry.fetchedAt, ageS: (age * 1_000).rounded() / 1_000,
                        stale: stale, cached: cached)
    }

    /// Answers from `cache` when fresh (unless `force`); otherwise runs `fetch` once for all concurrent callers of
    /// `key`, then answers with what it stored, or with last-known data (stale), or throws the failure as a problem.
    ///
    /// - Returns: the value, its meta, and the seconds it stays fresh.
    func cachedValue<V: Sendable>(
        _ cache: FreshnessCache<String, V>, key: String, what: String, force: Bool = false,
        fetch: @escaping @Sendable () async throws(ProviderFailure) -> (value: V, asOf: Int64?)
    ) async throws(RPCError) -> (V, DataMeta, Double) {
        if !force, let entry = cache.fresh(key) {
            return (entry.value, meta(entry, stale: false, cached: true), entry.remaining(now: clock.monotonic()))
        }
        let started = clock.wallMillis()
        let name = provider.name
        let ttl = settings.ttl
        let failures: [ProviderFailure]
        do {
            // One flight group serves every cache: the cache's identity keeps a slug from colliding with a chain name.
            failures = try await flight.run("\(ObjectIdentifier(cache).hashValue)|\(key)") {
                do throws(ProviderFailure) {
                    let fetched = try await fetch()
                    cache.store(key, fetched.value, source: name, asOf: fetched.asOf, ttl: ttl)
                    return []
                } catch {
                    return [error]
                }
            }
        } catch {
            throw RPCError(code: RPCErrorCode.cancelled, message: "cancelled")
        }
        if failures.isEmpty, let entry = cache.fresh(key) ?? cache.lastKnown(key, maxAge: .seconds(1)) {
            let cached = entry.fetchedAt < started
            return (entry.value, meta(entry, stale: false, cached: cached), max(0, entry.remaining(now: clock.monotonic())))
        }
        if let entry = cache.fresh(key) {
            // A forced refresh failed while the cached value is still within its TTL: that value is not stale.
            return (entry.value, meta(entry, stale: false, cached: true), entry.remaining(now: clock.monotonic()))
        }
        if let entry = cache.lastKnown(key, maxAge: settings.maxStale) {
            logger.warning("serving stale data", metadata: ["provider": "\(name)", "what": "\(what)",
                                                            "age_s": "\(entry.age(now: clock.monotonic()))"])
            return (entry.value, meta(entry, stale: true, cached: true), 0)
        }
        throw UpstreamProblem.allFailed(failures, what: what)
    }

    /// Every protocol (cached 1 h); `force` fetches even when fresh (the collector's hourly refresh).
    func allProtocols(force: Bool = false) async throws(RPCError) -> ([DefiProtocol], DataMeta, Double) {
        let provider = self.provider
        return try await cachedValue(protocolsCache, key: "protocols", what: "DeFi protocols", force: force) {
            () throws(ProviderFailure) in (try await provider.protocols(), nil)
        }
    }

    /// Every chain (cached 1 h).
    func allChains() async throws(RPCError) -> ([ChainTvl], DataMeta, Double) {
        let provider = self.provider
        return try await cachedValue(chainsCache, key: "chains", what: "DeFi chains") { () throws(ProviderFailure) in
            (try await provider.chains(), nil)
        }
    }

    /// DefiLlama's chain spelling of `text`, checked against `/v2/chains` and the protocols' chains.
    ///
    /// - Throws: `unknown-chain` when neither lists it; the upstream problem when neither list can be had.
    func resolveChain(_ text: String) async throws(RPCError) -> String {
        let asked = try DefiValidation.chainText(text)
        var chainNames: [String] = []
        var protocols: [DefiProtocol] = []
        var firstError: RPCError?
        do throws(RPCError) { chainNames = try await allChains().0.map(\.name) } catch { firstError = error }
        if let found = DefiNormalization.canonicalChain(asked, known: Set(chainNames)) { return found }
        do throws(RPCError) { protocols = try await allProtocols().0 } catch { firstError = firstError ?? error }
        if chainNames.isEmpty && protocols.isEmpty, let firstError { throw firstError }
        guard let found = DefiNormalization.canonicalChain(asked, known: DefiNormalization.knownChains(chains: chainNames, protocols: protocols)) else {
            throw DefiValidation.unknownChain(asked)
        }
        return found
    }
}
