import CryptoModels
import RPC

/// Notification topics of defi-svc and news-sentiment-svc, consumed by the gateway's WebSocket channels
/// (`news`, `sentiment`, `defi`). Services publish them with `NotificationHub.publish`.
public enum LiveTopics {
    /// Notification `news.item`: a newly stored news item (with its sentiment when already scored).
    public enum NewsItemTopic: RPCTopic {
        public static let name = "news.item"
        /// The item.
        public struct Payload: Codable, Sendable, Hashable {
            /// The stored item.
            public var item: NewsItem
            /// Creates the payload.
            public init(item: NewsItem) { self.item = item }
        }
    }

    /// Notification `sentiment.update`: an item was scored, and the rolling news sentiment changed.
    public enum SentimentUpdateTopic: RPCTopic {
        public static let name = "sentiment.update"
        /// The scored item and the current aggregate.
        public struct Payload: Codable, Sendable, Hashable {
            /// The id of the item just scored.
            public var itemID: String
            /// Assets the item mentions.
            public var assets: [String]
            /// Its score.
            public var score: SentimentScore
            /// Mean signed news sentiment over the last hour (-1…1; positive/bullish minus negative/bearish), if any items.
            public var mean1h: Double?
            /// Items scored in the last hour.
            public var count1h: Int
            /// When the update was made (epoch ms).
            public var ts: EpochMillis
            /// Creates the payload.
            public init(itemID: String, assets: [String], score: SentimentScore, mean1h: Double?, count1h: Int, ts: EpochMillis) {
                self.itemID = itemID
                self.assets = assets
                self.score = score
                self.mean1h = mean1h
                self.count1h = count1h
                self.ts = ts
            }
            enum CodingKeys: String, CodingKey {
                case itemID = "item_id", assets, score, mean1h = "mean_1h", count1h = "count_1h", ts
            }
        }
    }

    /// Notification `defi.update`: defi-svc refreshed protocol TVLs.
    public enum DefiUpdateTopic: RPCTopic {
        public static let name = "defi.update"
        /// The largest protocols by TVL after the refresh, and provenance.
        public struct Payload: Codable, Sendable, Hashable {
            /// Top protocols by TVL (at most 20).
            public var protocols: [DefiProtocol]
            /// Sum of TVL over all protocols (exact decimal).
            public var totalTvl: Amount
            /// Provenance.
            public var meta: DataMeta
            /// Creates the payload.
            public init(protocols: [DefiProtocol], totalTvl: Amount, meta: DataMeta) {
                self.protocols = protocols
                self.totalTvl = totalTvl
                self.meta = meta
            }
            enum CodingKeys: String, CodingKey { case protocols, totalTvl = "total_tvl", meta }
        }
    }
}
