import Contracts
import CryptoModels
import Logging
import RPC
import ServiceLifecycle
import Synchronization

/// Gives every stored news item a model sentiment: reads `store.news.pending_sentiment`, scores the items with the
/// financial transformer model in batches, writes each score with `store.news.sentiment.set` and publishes
/// `sentiment.update`.
///
/// It runs when woken by the ingestor and every `interval` besides, so items stored while the model was loading,
/// missing or corrupt are scored once it is available (a restart included: the store is the queue). While the model
/// is not loaded nothing is scored — there is no keyword stand-in.
public final class NewsScorer: Service, Sendable {
    /// The model.
    public let model: any SentimentAnalyzing
    /// The store.
    public let store: any NewsStore
    /// Where `sentiment.update` goes.
    public let hub: NotificationHub
    /// Time between looks when not woken.
    public let interval: Duration
    /// Items per batch.
    public let batchSize: Int
    private let aggregator: SentimentAggregator
    private let logger: Logger
    private let woken = Mutex(false)
    private let scored = Mutex(0)

    /// Creates the scorer.
    public init(model: any SentimentAnalyzing, store: any NewsStore, hub: NotificationHub, interval: Duration,
                batchSize: Int = 32, logger: Logger) {
        self.model = model
        self.store = store
        self.hub = hub
        self.interval = interval
        self.batchSize = max(1, min(batchSize, Sentiment.Limits.maxTexts))
        self.logger = logger
        aggregator = SentimentAggregator(store: store)
    }

    /// Asks for a scoring round soon (new items were stored).
    public func wake() { woken.withLock { $0 = true } }

    /// Items scored since start.
    public var scoredCount: Int { scored.withLock { $0 } }

    /// Scores pending items now, then whenever woken or every `interval`, until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            let tick = Duration.milliseconds(100)
            while !Task.isCancelled {
                await self.scorePending()
                var waited = Duration.zero
                while waited < self.interval, !self.woken.withLock({ w in defer { w = false }; return w }) {
                    do { try await Task.sleep(for: tick) } catch { return }
                    waited += tick
                }
            }
        }
    }

    /// Scores pending items batch by batch until none are left, the model is not ready, or a round makes no
    /// progress. Returns how many items were scored.
    @discardableResult
    public func scorePending() async -> Int {
        var total = 0
        while !Task.isCancelled, model.healthCheck().status == .healthy {
            do {
                let items = try await store.pendingSentiment(limit: batchSize)
                guard !items.isEmpty else { break }
                let result = try await model.analyze(items.map(Self.text(for:)))
                var done: [(NewsItem, SentimentScore)] = []
                for (item, score) in zip(items, result.results) where try await store.setSentiment(id: item.id, score) {
                    done.append((item, score))
                }
                total += done.count
                scored.withLock { $0 += done.count }
                await publish(done)
                if done.isEmpty || items.count < batchSize { break }
            } catch {
                logger.notice("news scoring paused", metadata: ["error": "\((error as? RPCError)?.message ?? "\(error)")"])
                break
            }
        }
        return total
    }

    /// Publishes `sentiment.update` for each scored item with the 1 h aggregate after the batch.
    private func publish(_ done: [(NewsItem, SentimentScore)]) async {
        guard !done.isEmpty else { return }
        let now = Timestamps.nowMillis()
        let hour = try? await aggregator.recentTally(since: now - 3_600_000)
        for (item, score) in done {
            hub.publish(LiveTopics.SentimentUpdateTopic.self, .init(
                itemID: item.id, assets: item.assets, score: score, mean1h: hour?.mean, count1h: hour?.count ?? 0, ts: now))
        }
    }

    /// The text scored for an item: its headline, and the summary after it, within the model's text limit.
    public static func text(for item: NewsItem) -> String {
        var text = item.title
        if let summary = item.summary, !summary.isEmpty { text += ". " + summary }
        let limit = Sentiment.Limits.maxCharacters
        return text.count > limit ? String(text.prefix(limit)) : text
    }
}
