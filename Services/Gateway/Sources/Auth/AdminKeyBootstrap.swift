import AccessKeys
import Contracts
import CryptoModels
import Logging
import ServiceLifecycle
import Synchronization

/// Whether the `ADMIN_API_KEY` bootstrap has finished; the gateway reports itself degraded in `/api/health`
/// until it has, so "healthy" also means "the configured admin key works".
public final class AdminKeyStatus: Sendable {
    private let done = Atomic<Bool>(false)

    /// Creates a pending status.
    public init() {}

    /// Whether the key exists (or was found revoked or taken, which retrying cannot change).
    public var isDone: Bool { done.load(ordering: .acquiring) }

    /// Marks the bootstrap finished.
    func finish() { done.store(true, ordering: .releasing) }
}

/// Ensures the key given in `ADMIN_API_KEY` exists as an active admin key (stored hashed), retrying until
/// store-svc answers. A key with that value that was revoked stays revoked (revocation is deliberate).
public struct AdminKeyBootstrap: Service {
    let key: APIKey
    let store: any KeyStore
    /// Forgotten for the key once it is created, so an early "unknown key" answer is not remembered.
    let cache: KeyCache?
    /// Set once the key exists.
    let status: AdminKeyStatus?
    let logger: Logger

    /// Creates the bootstrap for a configured key value.
    public init(key: APIKey, store: any KeyStore, cache: KeyCache? = nil, status: AdminKeyStatus? = nil, logger: Logger) {
        self.key = key
        self.store = store
        self.cache = cache
        self.status = status
        self.logger = logger
    }

    /// The record stored for the bootstrap key.
    public static func record(for key: APIKey, at now: EpochMillis) -> APIKeyRecord {
        APIKeyRecord(id: key.id, prefix: key.prefix, hash: key.hash, tier: Tier.admin.rawValue,
                     scopes: Scopes.defaults(forTier: Tier.admin.rawValue), name: "ADMIN_API_KEY", createdAt: now)
    }

    /// One attempt: true when the key exists (created now or before) or cannot be created for good.
    public func ensure() async throws -> Bool {
        if let existing = try await store.find(prefix: key.prefix, requestID: nil) {
            if !existing.isActive {
                logger.warning("ADMIN_API_KEY names a revoked key; it stays revoked", metadata: ["key.id": "\(key.id)"])
            } else if !key.matches(storedHash: existing.hash) {
                logger.error("ADMIN_API_KEY's id is taken by another key; not bootstrapped", metadata: ["key.id": "\(key.id)"])
            }
            return true
        }
        try await store.create(Self.record(for: key, at: Timestamps.nowMillis()), requestID: nil)
        cache?.invalidate(id: key.id)
        logger.info("admin API key bootstrapped from ADMIN_API_KEY", metadata: ["key.id": "\(key.id)", "key.prefix": "\(key.prefix)"])
        return true
    }

    /// Tries until it succeeds or the service shuts down (backoff up to 1 s), then idles until shutdown (a service
    /// returning early would stop the group).
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay: Duration = .milliseconds(100)
            while !Task.isCancelled {
                do {
                    if try await ensure() {
                        status?.finish()
                        return
                    }
                } catch {
                    logger.debug("admin key bootstrap waiting for store-svc", metadata: ["error": "\(type(of: error))"])
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
        try? await gracefulShutdown()
    }
}
