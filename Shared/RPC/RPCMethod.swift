/// A typed RPC method: its wire name and its parameter and result types.
///
/// Each service publishes its methods as descriptors in `Shared/Contracts`, so callers write
/// `try await client.call(Market.Prices.self, .init(symbols: ["BTC"]))` without importing the service.
public protocol RPCMethod: Sendable {
    /// Parameters sent with the call.
    associatedtype Params: Codable & Sendable
    /// What the call returns.
    associatedtype Result: Codable & Sendable
    /// The JSON-RPC method name, e.g. `market.prices`.
    static var name: String { get }
}

/// A typed notification topic: its wire name and payload type.
public protocol RPCTopic: Sendable {
    /// The notification payload.
    associatedtype Payload: Codable & Sendable
    /// The topic (JSON-RPC method name of the notification), e.g. `market.prices`.
    static var name: String { get }
}

/// Parameters of a method that takes none; encodes as `{}`.
public struct NoParams: Codable, Sendable, Hashable {
    /// Creates the empty parameter object.
    public init() {}
}

/// The built-in methods every RPC server answers.
public enum RPCBuiltins {
    /// Subscribes the calling connection to notification topics (`market.prices`, or a prefix pattern `market.*`).
    public enum Subscribe: RPCMethod {
        public static let name = "rpc.subscribe"
        /// The topics to add.
        public struct Params: Codable, Sendable, Hashable {
            /// Topic names or `prefix.*` patterns.
            public var topics: [String]
            /// Creates the parameters.
            public init(topics: [String]) { self.topics = topics }
        }
        /// The connection's topics after the call.
        public struct Result: Codable, Sendable, Hashable {
            /// All topics this connection is subscribed to.
            public var topics: [String]
            /// Creates the result.
            public init(topics: [String]) { self.topics = topics }
        }
    }

    /// Removes topics from the calling connection's subscriptions.
    public enum Unsubscribe: RPCMethod {
        public static let name = "rpc.unsubscribe"
        public typealias Params = Subscribe.Params
        public typealias Result = Subscribe.Result
    }

    /// Notification (no id) a client sends to cancel one of its in-flight calls.
    public static let cancelMethod = "rpc.cancel"
}
