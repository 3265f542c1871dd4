import CryptoModels
import RPC

/// store-svc's API key methods (the gateway hashes keys; only a prefix and a hash are stored).
extension Store {
    /// `store.keys.create`: stores a new key; `duplicate` (409) when its id or prefix exists.
    public enum CreateKey: RPCMethod {
        public static let name = "store.keys.create"
        /// The key.
        public struct Params: Codable, Sendable, Hashable {
            /// The record to store.
            public var key: APIKeyRecord
            /// Creates the parameters.
            public init(key: APIKeyRecord) { self.key = key }
        }
        public typealias Result = KeyResult
    }

    /// `store.keys.list`: every key, oldest first; revoked ones only when asked.
    public enum ListKeys: RPCMethod {
        public static let name = "store.keys.list"
        /// The filter.
        public struct Params: Codable, Sendable, Hashable {
            /// Include revoked keys.
            public var includeRevoked: Bool
            /// Creates the parameters.
            public init(includeRevoked: Bool = false) { self.includeRevoked = includeRevoked }
            enum CodingKeys: String, CodingKey { case includeRevoked = "include_revoked" }
        }
        /// The keys.
        public struct Result: Codable, Sendable, Hashable {
            /// Keys, oldest first.
            public var keys: [APIKeyRecord]
            /// Creates the result.
            public init(keys: [APIKeyRecord]) { self.keys = keys }
        }
    }

    /// `store.keys.find`: the key with a prefix, revoked or not (`key` is null when there is none).
    public enum FindKey: RPCMethod {
        public static let name = "store.keys.find"
        /// The prefix.
        public struct Params: Codable, Sendable, Hashable {
            /// The key's public prefix.
            public var prefix: String
            /// Creates the parameters.
            public init(prefix: String) { self.prefix = prefix }
        }
        /// The key, if any.
        public struct Result: Codable, Sendable, Hashable {
            /// The stored record, or nil.
            public var key: APIKeyRecord?
            /// Creates the result.
            public init(key: APIKeyRecord?) { self.key = key }
        }
    }

    /// `store.keys.revoke`: marks an active key revoked (`updated: false` when no active key has that id).
    public enum RevokeKey: RPCMethod {
        public static let name = "store.keys.revoke"
        public typealias Params = KeyTime
        public typealias Result = Updated
    }

    /// `store.keys.touch`: sets a key's `last_used_at`, never moving it back.
    public enum TouchKey: RPCMethod {
        public static let name = "store.keys.touch"
        public typealias Params = KeyTime
        public typealias Result = Updated
    }

    /// A key id and a time.
    public struct KeyTime: Codable, Sendable, Hashable {
        /// The key id.
        public var id: String
        /// The time (epoch ms).
        public var at: EpochMillis
        /// Creates the parameters.
        public init(id: String, at: EpochMillis) {
            self.id = id
            self.at = at
        }
    }

    /// One key.
    public struct KeyResult: Codable, Sendable, Hashable {
        /// The stored record.
        public var key: APIKeyRecord
        /// Creates the result.
        public init(key: APIKeyRecord) { self.key = key }
    }
}
