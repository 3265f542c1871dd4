import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
// `WebSocketHandler.handle` (the frame loop with auto-ping and the close handshake) is hummingbird-websocket's own
// entry point, published under this SPI; the public upgrade channel answers a refused upgrade with a bare 400, and
// `/ws` must answer 401/429 problems instead, so the gateway drives the upgrade itself.
@_spi(WSInternal) import WSCore

/// What the gateway decided about an upgrade request.
enum LiveUpgradeDecision: Sendable {
    /// Upgrade, then serve the connection with this handler.
    case upgrade(LiveServerChannel.Handler)
    /// Refuse with this HTTP response (a problem), then close.
    case reject(Response)
}

/// The HTTP/1.1 child channel of the gateway: plain requests go to the router; `Upgrade: websocket` requests are
/// decided by `decide` (which runs the router, so authentication and the `/ws` gate apply) and either become a
/// WebSocket or get the router's problem response (401, 429, …) and a closed connection.
struct LiveServerChannel: ServerChildChannel, HTTPChannelHandler {
    /// Serves one upgraded connection.
    typealias Handler = @Sendable (WebSocketInboundStream, WebSocketOutboundWriter, any Channel) async -> Void
    /// Connection outcome of the HTTP upgrade negotiation.
    enum Outcome: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, Handler)
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case rejected(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, Response)
    }

    /// The negotiated value.
    struct Value: ServerChildChannelValue {
        /// The negotiation's outcome.
        let outcome: EventLoopFuture<Outcome>
        /// The connection.
        let channel: any Channel
    }

    /// Frame-level settings of the WebSocket.
    struct Configuration: Sendable {
        /// Largest frame either way.
        var maxFrameSize: Int
        /// WebSocket ping period (a missed pong closes the connection).
        var ping: Duration
        /// How long to wait for the client's close frame.
        var closeTimeout: Duration
    }

    /// The application's HTTP responder (the router), for plain requests.
    let responder: HTTPChannelHandler.Responder
    /// Frame-level settings.
    let configuration: Configuration
    /// Decides upgrade requests (see ``LiveStreams/decider(_:)``).
    let decide: @Sendable (HTTPRequest, any Channel, Logger) async -> LiveUpgradeDecision

    /// Installs the HTTP/1.1 pipeline with the WebSocket upgrader.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // Per-connection hand-over from `shouldUpgrade` to the pipeline switch (or to the HTTP fallback).
            let rejection = NIOLockedValueBox<Response?>(nil)
            let accepted = NIOLockedValueBox<Handler?>(nil)
            let upgrader = NIOTypedWebSocketServerUpgrader<Outcome>(
                maxFrameSize: configuration.maxFrameSize,
                shouldUpgrade: { channel, head in
                    let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    let request: HTTPRequest
                    do {
                        request = try HTTPRequest(head, secure: false, splitCookie: false)
                    } catch {
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                    promise.completeWithTask {
                        switch await decide(request, channel, logger) {
                        case .upgrade(let handler):
                            accepted.withLockedValue { $0 = handler }
                            return HTTPHeaders()
                        case .reject(let response):
                            rejection.withLockedValue { $0 = response }
                            return nil
                        }
                    }
                    return promise.futureResult
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = accepted.withLockedValue { $0 }
                        let asyncChannel = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        guard let handler else { throw ChannelError.inappropriateOperationForState }
                        return Outcome.websocket(asyncChannel, handler)
                    }
                })
            let upgradeConfiguration = NIOTypedHTTPServerUpgradeConfiguration<Outcome>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
                        let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        if let response = rejection.withLockedValue({ $0 }) { return Outcome.rejected(asyncChannel, response) }
                        return Outcome.http(asyncChannel)
                    }
                })
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<Outcome>(upgradeConfiguration: upgradeConfiguration)
            pipeline.enablePipelining = false
            pipeline.enableErrorHandling = false
            pipeline.enableResponseHeaderValidation = false
            let outcome = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
            return Value(outcome: outcome, channel: channel)
        }
    }

    /// Serves the connection as HTTP, as a refused upgrade (the problem response, then close), or as a WebSocket.
    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.outcome.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .rejected(let http, let response):
                try await http.executeThenClose { _, outbound in
                    var head = response.head
                    head.headerFields[.connection] = "close"
                    try await ResponseWriter(outbound: outbound).write(response: head, body: response.body)
                }
            case .websocket(let socket, let handler):
                let channel = socket.channel
                _ = try await WebSocketHandler.handle(
                    type: .server,
                    configuration: .init(extensions: [], autoPing: .enabled(timePeriod: configuration.ping),
                                         closeTimeout: configuration.closeTimeout, validateUTF8: true,
                                         maxFrameSize: configuration.maxFrameSize),
                    asyncChannel: socket, context: LiveSocketContext(logger: logger),
                    handler: { inbound, outbound, _ in await handler(inbound, outbound, channel) })
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// The context WSCore passes to the handler: just the logger.
struct LiveSocketContext: WebSocketContext {
    let logger: Logger
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the gateway's `/ws` upgrade (see ``LiveServerChannel``).
    static func gatewayLive(configuration: LiveServerChannel.Configuration,
                            decide: @escaping @Sendable (HTTPRequest, any Channel, Logger) async -> LiveUpgradeDecision) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            LiveServerChannel(responder: responder, configuration: configuration, decide: decide)
        }
    }
}
