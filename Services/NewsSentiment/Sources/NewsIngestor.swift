import Contracts
import CryptoModels
import Feeds
import Logging
import ProviderKit
import RPC
import ServiceLifecycle

/// Polls every feed (and CryptoPanic) at the poll interval, each feed on its own timer in one task group: a feed that
/// fails, is oversized or hangs until its timeout delays neither the other feeds' items nor their next polls.
///
/// Per feed: conditional GET → parse → items deduplicated within the feed → `store.news.upsert` (which deduplicates
/// across feeds by normalised URL, guid or id) → `news.item` for each new item → the scorer is woken. The feed's
/// validators are recorded only after the store acknowledged the items, so a crash or a store outage in between
/// makes the next poll fetch the feed in full again (no lost items); the store's dedup makes that refetch harmless
/// (no duplicates).
public struct NewsIngestor: Service {
    /// The sources.
    public let sources: [FeedSource]
    /// Where items go.
    public let store: any NewsStore
    /// Where `news.item` is published.
    public let hub: NotificationHub
    /// Woken when new items arrive.
    public let scorer: NewsScorer?
    /// Time between polls.
    public let interval: Duration
    /// The logger.
    public let logger: Logger

    /// Creates the ingestor.
    public init(sources: [FeedSource], store: any NewsStore, hub: NotificationHub, scorer: NewsScorer?, interval: Duration, logger: Logger) {
        self.sources = sources
        self.store = store
        self.hub = hub
        self.scorer = scorer
        self.interval = interval
        self.logger = logger
    }

    /// Polls every source now and then every `interval` (each on its own loop) until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for source in sources {
                    group.addTask {
                        while !Task.isCancelled {
                            await poll(source)
                            do { try await Task.sleep(for: interval) } catch { return }
                        }
                    }
                }
                await group.waitForAll()
            }
        }
    }

    /// Polls every source concurrently; returns the number of new items stored.
    @discardableResult
    public func pollAll() async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for source in sources {
                group.addTask { await poll(source) }
            }
            var total = 0
            for await count in group { total += count }
            return total
        }
    }

    /// Polls one source; returns the number of new items stored. Failures are recorded on the source (health).
    @discardableResult
    public func poll(_ source: FeedSource) async -> Int {
        let fetched: FeedFetch
        do throws(ProviderFailure) {
            fetched = try await source.fetch()
        } catch {
            logger.notice("feed failed", metadata: ["feed": "\(source.spec.name)", "error": "\(error.kind.rawValue)",
                                                    "detail": "\(error.message)"])
            return 0
        }
        guard case .items(let parsed, let validators) = fetched else { return 0 }
        let items = NewsIdentity.deduplicated(parsed)
        do {
            let result = items.isEmpty ? NewsUpsertResult(newIDs: [], existing: 0) : try await store.upsert(items)
            source.commit(validators, items: items.count, new: result.newIDs.count)
            let fresh = Set(result.newIDs)
            for item in items where fresh.contains(item.id) {
                hub.publish(LiveTopics.NewsItemTopic.self, .init(item: item))
            }
            if !fresh.isEmpty {
                logger.info("news stored", metadata: ["feed": "\(source.spec.name)", "new": "\(fresh.count)",
                                                      "known": "\(result.existing)"])
                scorer?.wake()
            }
            return fresh.count
        } catch {
            let reason = (error as? RPCError)?.message ?? "\(error)"
            source.record(ProviderFailure(provider: "feed:\(source.spec.name)", kind: .providerError,
                                          message: "\(items.count) items not stored: \(reason)"))
            logger.warning("news not stored", metadata: ["feed": "\(source.spec.name)", "error": "\(reason)"])
            return 0
        }
    }
}
