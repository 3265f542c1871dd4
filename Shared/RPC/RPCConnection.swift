import Logging
import NIOCore
import NIOPosix

/// One client connection to an RPC server: pipelined calls matched to responses by id, plus inbound notifications.
///
/// All per-call state lives in the channel handler on the channel's event loop; callers only write to the channel.
final class RPCConnection: Sendable {
    let channel: any Channel
    private let writer: WriteBatcher<PendingCall>

    private init(channel: any Channel) {
        self.channel = channel
        self.writer = WriteBatcher(channel: channel) { call in
            call.promise.fail(RPCError(code: RPCErrorCode.notConnected, message: "connection closed before the call was sent"))
        }
    }

    /// Connects to `address`; `onNotification` receives (topic, frame) of every server notification.
    static func connect(
        to address: RPCAddress, group: any EventLoopGroup, maxFrameBytes: Int, connectTimeout: Duration,
        onNotification: (@Sendable (String, InboundFrame) -> Void)? = nil
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
    ///
    /// The deadline timer is armed and disarmed on the event loop by the handler, so a call costs no extra wake-ups.
    func roundTrip(id: RPCID, frame: ByteBuffer, timeout: Duration) async throws -> InboundFrame {
        let promise = channel.eventLoop.makePromise(of: InboundFrame.self)
        let channel = self.channel
        let deadline = NIODeadline.now() + TimeAmount(duration: timeout)
        return try await withTaskCancellationHandler {
            writer.send(PendingCall(id: id, frame: frame, promise: promise, deadline: deadline))
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

    static func sendCancel(id: RPCID, on channel: any Channel) {
        guard let frame = try? RPCCodec.notification(method: RPCBuiltins.cancelMethod, params: CancelParams(id: id)) else { return }
        channel.writeAndFlush(OutboundFrame(buffer: frame), promise: nil)
    }
}

/// A call on its way out: the handler remembers its promise before writing the frame.
struct PendingCall: Sendable {
    let id: RPCID
    let frame: ByteBuffer
    let promise: EventLoopPromise<InboundFrame>
    let deadline: NIODeadline
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

    private var pending: [RPCID: (promise: EventLoopPromise<InboundFrame>, timer: Scheduled<Void>)] = [:]
    private let onNotification: (@Sendable (String, InboundFrame) -> Void)?

    init(onNotification: (@Sendable (String, InboundFrame) -> Void)?) {
        self.onNotification = onNotification
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let value = unwrapOutboundIn(data)
        if let call = value as? PendingCall {
            if case .some = pending[call.id] {
                call.promise.fail(RPCError(code: RPCErrorCode.internalError, message: "duplicate call id \(call.id)"))
                return
            }
            let channel = context.channel
            let timer = context.eventLoop.scheduleTask(deadline: call.deadline) {
                call.promise.fail(RPCError(code: RPCErrorCode.deadlineExceeded, message: "deadline exceeded"))
                RPCConnection.sendCancel(id: call.id, on: channel)
            }
            pending[call.id] = (call.promise, timer)
            let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
            call.promise.futureResult.whenComplete { _ in
                // Answered, timed out or cancelled: forget the call; a late response is then ignored.
                if let entry = loop.value.pending.removeValue(forKey: call.id) { entry.timer.cancel() }
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenFailure { error in
                // The frame never left, so the call did not run: safe to send again on a fresh connection.
                call.promise.fail(RPCError(code: RPCErrorCode.notConnected, message: "write failed: \(error)"))
            }
            context.write(wrapOutboundOut(call.frame), promise: written)
        } else if let frame = value as? OutboundFrame {
            context.write(wrapOutboundOut(frame.buffer), promise: promise)
        } else {
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let frame = try? InboundFrame(unwrapInboundIn(data)) else { return }
        let id = frame.id
        if case .value(let id) = id, frame.members.method == nil {
            if let entry = pending.removeValue(forKey: id) {
                entry.timer.cancel()
                entry.promise.succeed(frame)
            }
        } else if id == .absent, let method = frame.method {
            onNotification?(method, frame)
        } else if id == .null, let error = frame.error {
            // An error without an id (e.g. oversized frame): the server closes the connection next.
            let failed = pending
            pending.removeAll()
            for entry in failed.values {
                entry.timer.cancel()
                entry.promise.fail(error)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let failed = pending
        pending.removeAll()
        for entry in failed.values {
            entry.timer.cancel()
            entry.promise.fail(RPCError(code: RPCErrorCode.connectionLost, message: "connection lost"))
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
