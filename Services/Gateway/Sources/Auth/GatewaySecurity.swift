import AccessKeys
import HTTPTypes
import Logging
import ServiceKit
import ServiceLifecycle
import StoreClient

/// Everything the gateway's authentication, limits and audit need, built once per process.
public struct GatewaySecurity: Sendable {
    /// Settings of tiers, tokens, CORS.
    public let configuration: AuthConfiguration
    /// Which routes need which scope.
    public let policy: AccessPolicy
    /// Per-identity limits.
    public let limiter: RateLimiter
    /// Key look-ups (cached).
    public let keys: KeyCache
    /// The key store behind the cache (key administration).
    public let store: any KeyStore
    /// Token issue and verification.
    public let tokens: JWTAuthority
    /// The request audit, if recorded.
    public let audit: AuditRecorder?
    /// The clock of limits, tokens and the cache.
    public let clock: AuthClock
    /// Each tier's `RateLimit-Policy` header field (nil when unlimited), built once, indexed by ``Tier/ordinal``
    /// (an array, not a `[Tier: …]` dictionary: hashing a `String`-backed enum hashes its raw value).
    let policyHeaders: [HTTPField?]
    /// Each tier's limits, indexed by ``Tier/ordinal`` (read twice per limited request).
    let tierLimits: [TierLimits]
    /// The `ADMIN_API_KEY` bootstrap's progress, when a key is configured (reported in `/api/health`).
    public internal(set) var adminKeyStatus: AdminKeyStatus?
    /// Long-running parts to run in the process's service group (audit writer and recorder, admin bootstrap).
    public internal(set) var services: [any Service]

    /// Creates the security context from its parts.
    public init(configuration: AuthConfiguration, store: any KeyStore, tokens: JWTAuthority, audit: AuditRecorder? = nil,
                clock: AuthClock = .system, policy: AccessPolicy = .standard, services: [any Service] = [],
                logger: Logger = Logger(label: "gateway.auth")) {
        self.configuration = configuration
        self.policy = policy
        self.limiter = RateLimiter(clock: clock)
        self.keys = KeyCache(store: store, clock: clock, ttlSeconds: configuration.keyCacheTTL, logger: logger)
        self.store = store
        self.tokens = tokens
        self.audit = audit
        self.clock = clock
        self.services = services
        self.tierLimits = Tier.allCases.map { configuration.limits(for: $0) }
        self.policyHeaders = Tier.allCases.map { RateLimitHeaders.policyField(configuration.limits(for: $0)) }
    }

    /// The limits of a tier (``AuthConfiguration/limits(for:)`` without a dictionary look-up).
    func limits(for tier: Tier) -> TierLimits { tierLimits[tier.ordinal] }

    /// The production security context: keys and audit through store-svc, the signing key from the settings
    /// (``SecretBootstrap``), `ADMIN_API_KEY` bootstrapped. Throws a ``ConfigurationError`` for settings the
    /// gateway must not start with (e.g. production without `JWT_SECRET`).
    public static func live(settings: Settings, backends: Backends, logger: Logger) throws -> GatewaySecurity {
        let configuration = try AuthConfiguration(settings: settings)
        let tokens = JWTAuthority(algorithm: try SecretBootstrap.algorithm(settings: settings),
                                  issuer: configuration.issuer, audience: configuration.audience)
        let store = RPCKeyStore(backends: backends)
        var recorder: AuditRecorder?
        var services: [any Service] = []
        if settings.string("audit.requests", default: "on").lowercased() != "off" {
            // Rows per `store.user_requests.record` call: larger batches spread store-svc's per-call cost (RPC,
            // transaction) over more rows (4.8 → 3.4 µs of store-svc CPU per row from 500 to 2,000 in the auth bench).
            let batchSize = max(1, settings.int("audit.batch.size", default: 2_000))
            // The writer's queue holds at most ~1,000,000 rows whatever the batch size.
            let writer = BufferedStoreWriter(client: backends.client(.store),
                                             configuration: .init(capacity: settings.int("audit.buffer.batches",
                                                                                         default: max(1, 1_000_000 / batchSize)),
                                                                  drainTimeout: .seconds(2)),
                                             logger: Logger(label: "gateway.audit"))
            let audit = AuditRecorder(sink: writer, interval: settings.seconds("audit.flush.interval", default: 1),
                                      batchSize: batchSize)
            recorder = audit
            services = [writer, audit]
        }
        var security = GatewaySecurity(configuration: configuration, store: store, tokens: tokens, audit: recorder,
                                       services: services, logger: logger)
        if let value = settings.secret("admin.api.key") {
            guard let key = APIKey(presented: value) else {
                throw ConfigurationError(message: "ADMIN_API_KEY must be 1–\(APIKey.maxLength) visible ASCII characters")
            }
            if settings.isProduction, value.utf8.count < APIKey.minimumBootstrapLength {
                throw ConfigurationError(message: "ADMIN_API_KEY must be at least \(APIKey.minimumBootstrapLength) characters in production")
            }
            let status = AdminKeyStatus()
            security.adminKeyStatus = status
            security.services.append(AdminKeyBootstrap(key: key, store: store, cache: security.keys, status: status, logger: logger))
        }
        return security
    }

    /// A context for routers built without one (route tests): keys through store-svc, a random in-memory signing
    /// secret, no audit.
    static func ephemeral(settings: Settings, backends: Backends) -> GatewaySecurity {
        var secret = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in secret.indices { secret[index] = generator.next() }
        let configuration = (try? AuthConfiguration(settings: settings)) ?? AuthConfiguration()
        return GatewaySecurity(configuration: configuration, store: RPCKeyStore(backends: backends),
                               tokens: JWTAuthority(algorithm: .hs256(secret: secret), issuer: configuration.issuer,
                                                    audience: configuration.audience))
    }
}
