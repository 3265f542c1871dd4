import Contracts
import CryptoModels
import Logging
import ProviderKit
import ProviderWire
import ServiceLifecycle
import Synchronization

/// Polls alternative.me's Fear & Greed index (`GET {ALTERNATIVE_ME_BASE_URL}/fng/?limit=N`) through a provider
/// endpoint (breaker, budget, retry) and stores the daily values with `store.fear_greed.upsert` (one row per UTC day).
///
/// The first successful poll asks for `backfillDays` days so `/api/sentiment/fear-greed?days=30` has a history at
/// once; later polls ask for 2 (today and yesterday, which alternative.me may still revise).
public final class FearGreedCollector: Service, Sendable {
    /// alternative.me.
    public let endpoint: ProviderEndpoint
    /// The store.
    public let store: any NewsStore
    /// Time between polls.
    public let interval: Duration
    /// Days fetched by the first poll.
    public let backfillDays: Int
    private let logger: Logger
    private let backfilled = Mutex(false)
    private let lastStored = Mutex<FearGreedEntry?>(nil)

    /// Creates the collector.
    public init(endpoint: ProviderEndpoint, store: any NewsStore, interval: Duration, backfillDays: Int, logger: Logger) {
        self.endpoint = endpoint
        self.store = store
        self.interval = interval
        self.backfillDays = backfillDays
        self.logger = logger
    }

    /// The newest value stored by this process, if any.
    public var latest: FearGreedEntry? { lastStored.withLock { $0 } }

    /// Polls now and then every `interval` until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.poll()
                do { try await Task.sleep(for: self.interval) } catch { return }
            }
        }
    }

    /// One poll; returns the entries stored (empty on failure, which is logged and shows in the provider's health).
    @discardableResult
    public func poll() async -> [FearGreedEntry] {
        let limit = backfilled.withLock { $0 } ? 2 : backfillDays
        let entries: [FearGreedEntry]
        do throws(ProviderFailure) {
            entries = try await endpoint.get("/fng/", query: [("limit", String(limit))]) { body throws(ProviderWireError) in
                try AlternativeMeParser.parseFearGreed(body.readableBytesView)
            }
        } catch {
            logger.notice("fear & greed poll failed", metadata: ["provider": "alternative.me", "error": "\(error)"])
            return []
        }
        do {
            try await store.upsertFearGreed(entries)
        } catch {
            logger.warning("fear & greed not stored", metadata: ["error": "\(error)"])
            return []
        }
        backfilled.withLock { $0 = true }
        lastStored.withLock { $0 = entries.max { $0.ts < $1.ts } }
        return entries
    }

    /// The endpoint configuration of alternative.me from the settings.
    public static func endpointConfiguration(_ settings: NewsSettings, timeout: Duration) -> ProviderEndpoint.Configuration {
        ProviderEndpoint.Configuration(name: "alternative.me", baseURL: settings.alternativeMeBaseURL, timeout: timeout,
                                       breakerThreshold: 3, breakerCoolDown: .seconds(300), budgetRequests: 30,
                                       budgetPeriod: .seconds(60), retry: RetryPolicy(maxAttempts: 2))
    }
}
