import CryptoModels
import RPC

/// store-svc's write methods beyond prices, candles and market listings (see `Store.swift`).
extension Store {
    /// `store.defi.insert`: one snapshot per protocol taken at `ts`; an existing (slug, ts) row is skipped.
    public enum InsertDefiSnapshots: RPCMethod {
        public static let name = "store.defi.insert"
        /// The snapshot.
        public struct Params: Codable, Sendable, Hashable {
            /// When the snapshot was taken (epoch ms).
            public var ts: EpochMillis
            /// The protocols.
            public var protocols: [DefiProtocol]
            /// Creates the parameters.
            public init(ts: EpochMillis, protocols: [DefiProtocol]) {
                self.ts = ts
                self.protocols = protocols
            }
        }
        public typealias Result = WriteResult
    }

    /// `store.news.upsert`: new items are inserted; an item whose normalised URL or guid is stored refreshes that row.
    public enum UpsertNews: RPCMethod {
        public static let name = "store.news.upsert"
        /// The items.
        public struct Params: Codable, Sendable, Hashable {
            /// Items to store.
            public var items: [NewsItem]
            /// Creates the parameters.
            public init(items: [NewsItem]) { self.items = items }
        }
        public typealias Result = NewsUpsertResult
    }

    /// `store.news.sentiment.set`: records the sentiment of a stored item.
    public enum SetNewsSentiment: RPCMethod {
        public static let name = "store.news.sentiment.set"
        /// The item and its sentiment.
        public struct Params: Codable, Sendable, Hashable {
            /// The stored item's id.
            public var id: String
            /// Its sentiment.
            public var sentiment: SentimentScore
            /// Creates the parameters.
            public init(id: String, sentiment: SentimentScore) {
                self.id = id
                self.sentiment = sentiment
            }
        }
        public typealias Result = Updated
    }

    /// `store.news.pending_sentiment`: items without sentiment, newest first.
    public enum NewsNeedingSentiment: RPCMethod {
        public static let name = "store.news.pending_sentiment"
        /// How many.
        public struct Params: Codable, Sendable, Hashable {
            /// At most this many items (1…500).
            public var limit: Int
            /// Creates the parameters.
            public init(limit: Int) { self.limit = limit }
        }
        /// The items.
        public struct Result: Codable, Sendable, Hashable {
            /// Items without sentiment, newest first.
            public var items: [NewsItem]
            /// Creates the result.
            public init(items: [NewsItem]) { self.items = items }
        }
    }

    /// `store.fear_greed.upsert`: daily Fear & Greed values (one per UTC day).
    public enum UpsertFearGreed: RPCMethod {
        public static let name = "store.fear_greed.upsert"
        /// The values.
        public struct Params: Codable, Sendable, Hashable {
            /// Values to store.
            public var entries: [FearGreedEntry]
            /// Creates the parameters.
            public init(entries: [FearGreedEntry]) { self.entries = entries }
        }
        public typealias Result = WriteResult
    }

    /// `store.api_calls.record`: provider calls, which also update each provider's aggregate status.
    public enum RecordAPICalls: RPCMethod {
        public static let name = "store.api_calls.record"
        /// The calls.
        public struct Params: Codable, Sendable, Hashable {
            /// Calls to record.
            public var calls: [APICallRecord]
            /// Creates the parameters.
            public init(calls: [APICallRecord]) { self.calls = calls }
        }
        public typealias Result = WriteResult
    }

    /// `store.user_requests.record`: the gateway's request audit, one row per request.
    ///
    /// On the wire the batch is compact (see ``UserRequestBatchCodec``): the distinct strings once, then every row as
    /// seven integers in one text field, `{"strings": ["/api/prices", "GET"], "rows": "1711356300000,-1,0,1,200,850,412;…"}`.
    /// The older form, `{"requests": [{"ts": …, "key_id": …, …}]}`, is still accepted.
    public enum RecordUserRequests: RPCMethod {
        public static let name = "store.user_requests.record"
        /// The requests.
        public struct Params: Codable, Sendable, Hashable {
            /// Requests to record.
            public var requests: [UserRequestRecord]
            /// Creates the parameters.
            public init(requests: [UserRequestRecord]) { self.requests = requests }

            /// Decodes the compact form (or the older array of objects).
            public init(from decoder: any Decoder) throws {
                requests = try UserRequestBatchCodec.decode(from: decoder)
            }

            /// Encodes the compact form.
            public func encode(to encoder: any Encoder) throws {
                try UserRequestBatchCodec.encode(requests, to: encoder)
            }
        }
        public typealias Result = WriteResult
    }

    /// Whether an update found its row.
    public struct Updated: Codable, Sendable, Hashable {
        /// True when a row was changed.
        public var updated: Bool
        /// Creates the result.
        public init(updated: Bool) { self.updated = updated }
    }
}
