import Foundation
import NIOCore

/// What a subscription yields: connection changes and notifications.
public enum RPCSubscriptionEvent: Sendable {
    /// (Re)connected and subscribed; notifications follow.
    case connected
    /// The connection was lost; the subscription reconnects with backoff. Carries a reason.
    case disconnected(String)
    /// A notification on `topic`; decode its payload with ``RPCNotification/decode(_:)``.
    case notification(RPCNotification)
}

/// A server notification frame.
public struct RPCNotification: Sendable {
    /// The notification's topic (its JSON-RPC method).
    public let topic: String
    let frame: InboundFrame

    /// Decodes the notification's `params` as `T`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try frame.params(type)
    }

    /// Decodes the payload of a typed topic; `nil` when the notification is on another topic.
    public func decode<T: RPCTopic>(topic: T.Type) throws -> T.Payload? {
        guard self.topic == T.name else { return nil }
        return try decode(T.Payload.self)
    }
}

extension RPCClient {
    /// A long-lived subscription on its own connection, driven by the consuming task.
    ///
    /// Iterating connects, subscribes to `topics`, and yields notifications. When the server goes away it yields
    /// `.disconnected`, reconnects with backoff and re-subscribes, then yields `.connected` again — the consumer
    /// never has to re-subscribe. Iteration ends when the consuming task is cancelled.
    public func subscribe(topics: [String], bufferLimit: Int = 8_192) -> RPCSubscription {
        RPCSubscription(client: self, topics: topics, bufferLimit: bufferLimit)
    }
}

/// The async sequence returned by ``RPCClient/subscribe(topics:bufferLimit:)``.
public struct RPCSubscription: AsyncSequence, Sendable {
    public typealias Element = RPCSubscriptionEvent
    let client: RPCClient
    let topics: [String]
    let bufferLimit: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, topics: topics, bufferLimit: bufferLimit)
    }

    /// The iterator; it owns the subscription's connection.
    public struct Iterator: AsyncIteratorProtocol {
        let client: RPCClient
        let topics: [String]
        let bufferLimit: Int
        private var connection: RPCConnection?
        private var stream: AsyncStream<RPCNotification>.AsyncIterator?
        private var failures = 0
        private var connectedOnce = false

        init(client: RPCClient, topics: [String], bufferLimit: Int) {
            self.client = client
            self.topics = topics
            self.bufferLimit = bufferLimit
        }

        public mutating func next() async -> RPCSubscriptionEvent? {
            while !Task.isCancelled {
                if var iterator = stream {
                    let element = await iterator.next()
                    stream = iterator
                    if let element { return .notification(element) }
                    if Task.isCancelled { break }
                    connection?.close()
                    connection = nil
                    stream = nil
                    return .disconnected("connection to \(client.configuration.address) closed")
                }
                if failures > 0 {
                    let delay = Backoff.delay(failures: failures - 1, initial: client.configuration.initialBackoff,
                                              max: client.configuration.maxBackoff)
                    do { try await Task.sleep(for: delay) } catch { break }
                }
                do {
                    let (notifications, continuation) = AsyncStream.makeStream(
                        of: RPCNotification.self, bufferingPolicy: .bufferingNewest(bufferLimit))
                    let newConnection = try await RPCConnection.connect(
                        to: client.configuration.address, group: client.group, maxFrameBytes: client.configuration.maxFrameBytes,
                        connectTimeout: client.configuration.connectTimeout,
                        onNotification: { topic, frame in continuation.yield(RPCNotification(topic: topic, frame: frame)) })
                    newConnection.channel.closeFuture.whenComplete { _ in continuation.finish() }
                    let frame = try RPCCodec.request(id: .number(1), method: RPCBuiltins.Subscribe.name,
                                                     params: RPCBuiltins.Subscribe.Params(topics: topics), ctx: nil)
                    let response = try await newConnection.roundTrip(id: .number(1), frame: frame,
                                                                     timeout: client.configuration.defaultTimeout)
                    if let error = response.error { throw error }
                    connection = newConnection
                    stream = notifications.makeAsyncIterator()
                    failures = 0
                    return .connected
                } catch {
                    failures += 1
                    if Task.isCancelled { break }
                }
            }
            connection?.close()
            connection = nil
            return nil
        }
    }
}
