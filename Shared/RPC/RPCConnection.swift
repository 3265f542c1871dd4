import Logging
import NIOCore
import NIOPosix

/// One client connection to an RPC server: pipelined calls matched to responses by id, plus inbound notifications.
///
/// All per-call state lives in the channel handler on the channel's event loop; callers only write to the channel.
final class RPCConnection: Sendable {
    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Connects to `address`; `onNotification` receives (topic, frame) of every server notification.
    static func connect(
        to address: RPCAddress, group: any EventLoopGroup, maxFrameBytes: Int, connectTimeout: Duration,
        onNotification: (@Sendable (String, ByteBuffer) -> Void)? = nil
    ) async throws -> RPCConnection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(duration: connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NDJSONFrameDecoder(maxFrameBytes: maxFrameBytes)))
                    try channel.pipeline.syncOperations.addHandler(NDJSONFrameEncoder())
                    try channel.pipeline.syncOperations.addHandler(RPCClientHandler(onNotification: onNotification))
                }
            }
        let channel: any Channel
        switch address {
        case .unix(let path): channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
        case .tcp(let host, let port):
            channel = try await bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1).connect(host: host, port: port).get()
        }
        return RPCConnection(channel: channel)
    }

    /// Whether the channel is still open.
    var isActive: Bool { channel.isActive }

    /// Sends a request frame and waits for its response frame, honouring `timeout` and task cancellation.
    func roundTrip(id: RPCID, frame: ByteBuffer, timeout: Duration) async throws -> ByteBuffer {
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(duration: timeout)) {
            promise.fail(RPCError(code: RPCErrorCode.deadlineExceeded, message: "deadline exceeded after \(timeout)"))
            RPCConnection.sendCancel(id: id, on: channel)
        }
        return try await withTaskCancellationHandler {
            channel.writeAndFlush(PendingCall(id: id, frame: frame, promise: promise)).whenFailure { error in
                // The frame never left: the call was not executed, so it is safe to send again elsewhere.
                promise.fail(RPCError(code: RPCErrorCode.notConnected, message: "write failed: \(error)"))
            }
            defer { timer.cancel() }
            return try await promise.futureResult.get()
        } onCancel: {
            promise.fail(RPCError(code: RPCErrorCode.cancelled, message: "cancelled by caller"))
            RPCConnection.sendCancel(id: id, on: channel)
        }
    }

    /// Closes the connection; pending calls fail with a connection-lost error.
    func close() {
        channel.close(promise: nil)
    }

    private static func sendCancel(id: RPCID, on channel: any Channel) {
        guard let frame = try? RPCCodec.notification(method: RPCBuiltins.cancelMethod, params: CancelParams(id: id)) else { return }
        channel.writeAndFlush(OutboundFrame(buffer: frame), promise: nil)
    }
}

/// A call on its way out: the handler remembers its promise before writing the frame.
struct PendingCall: Sendable {
    let id: RPCID
    let frame: ByteBuffer
    let promise: EventLoopPromise<ByteBuffer>
}

/// A frame that expects no response (a notification such as `rpc.cancel`).
struct OutboundFrame: Sendable {
    let buffer: ByteBuffer
}

/// Matches responses to pending calls and forwards notifications. Runs on its channel's event loop only.
final class RPCClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Any
    typealias OutboundOut = ByteBuffer

    private var pending: [RPCID: EventLoopPromise<ByteBuffer>] = [:]
    private let onNotification: (@Sendable (String, ByteBuffer) -> Void)?

    init(onNotification: (@Sendable (String, ByteBuffer) -> Void)?) {
        self.onNotification = onNotification
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let value = unwrapOutboundIn(data)
        if let call = value as? PendingCall {
            pending[call.id] = call.promise
            call.promise.futureResult.whenComplete { [weak self] _ in
                // Timed-out and cancelled calls are forgotten here; late responses are then ignored.
                self?.pending[call.id] = nil
            }
            context.write(wrapOutboundOut(call.frame), promise: promise)
        } else if let frame = value as? OutboundFrame {
            context.write(wrapOutboundOut(frame.buffer), promise: promise)
        } else {
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let header = try? RPCCodec.decode(FrameHeader.self, from: frame) else { return }
        if case .some(.some(let id)) = header.id, header.method == nil {
            pending.removeValue(forKey: id)?.succeed(frame)
        } else if case .none = header.id, let method = header.method {
            onNotification?(method, frame)
        } else if let error = header.error, case .some(.none) = header.id {
            // An error without an id (e.g. oversized frame): the server closes the connection next.
            let failed = pending
            pending.removeAll()
            for promise in failed.values { promise.fail(error) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let failed = pending
        pending.removeAll()
        for promise in failed.values {
            promise.fail(RPCError(code: RPCErrorCode.connectionLost, message: "connection lost"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension TimeAmount {
    /// Converts a Swift `Duration` (clamped at zero).
    init(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }
}
