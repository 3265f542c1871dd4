import Hummingbird
import NIOCore

/// Request context that keeps the connection's channel, so faults can reset or hold the connection.
public struct ReplayRequestContext: RequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The TCP connection the request arrived on.
    public let channel: any Channel

    /// Builds the context from the application's source (which carries the channel).
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
