import DequeModule
import Foundation
import NIOCore
import NIOPosix
import RPC

/// The baseline: a bare NIO server that echoes each newline-delimited frame, and a pipelining client for it.
enum EchoBaseline {
    /// Starts the echo server on a Unix socket.
    static func start(path: String, group: any EventLoopGroup) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NDJSONFrameDecoder(maxFrameBytes: 1 << 20)))
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
    }

    /// Writes every frame back with its newline; flushes once per read burst.
    final class EchoHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var frame = unwrapInboundIn(data)
            frame.writeInteger(UInt8(ascii: "\n"))
            context.write(wrapOutboundOut(frame), promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }
    }

    /// A client that sends frames and completes them in order as the echoes arrive.
    final class Client: Sendable {
        let channel: any Channel

        private init(channel: any Channel) { self.channel = channel }

        static func connect(path: String, group: any EventLoopGroup) async throws -> Client {
            let channel = try await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NDJSONFrameDecoder(maxFrameBytes: 1 << 20)))
                        try channel.pipeline.syncOperations.addHandler(FIFOHandler())
                    }
                }
                .connect(unixDomainSocketPath: path).get()
            return Client(channel: channel)
        }

        /// Sends one frame (with its newline) and waits for its echo.
        func roundTrip(_ frame: ByteBuffer) async throws -> ByteBuffer {
            let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
            channel.writeAndFlush(EchoCall(frame: frame, promise: promise), promise: nil)
            return try await promise.futureResult.get()
        }

        func close() async {
            try? await channel.close()
        }
    }

    struct EchoCall: Sendable {
        let frame: ByteBuffer
        let promise: EventLoopPromise<ByteBuffer>
    }

    final class FIFOHandler: ChannelDuplexHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundIn = EchoCall
        typealias OutboundOut = ByteBuffer
        private var waiting = Deque<EventLoopPromise<ByteBuffer>>()

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let call = unwrapOutboundIn(data)
            waiting.append(call.promise)
            context.write(wrapOutboundOut(call.frame), promise: promise)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            waiting.popFirst()?.succeed(unwrapInboundIn(data))
        }
    }
}

/// Request frames byte-for-byte like `RPCClient` sends them.
enum RPCFrames {
    private struct Frame<P: Encodable>: Encodable {
        let jsonrpc = "2.0"
        let id: Int
        let method: String
        let params: P
        let ctx = Ctx()
    }

    private struct Ctx: Encodable {
        // swiftlint:disable:next identifier_name
        let timeout_ms = 10_000
    }

    static func request<P: Encodable>(id: Int, method: String, params: P) throws -> ByteBuffer {
        var data = try JSONEncoder().encode(Frame(id: id, method: method, params: params))
        data.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: data)
    }
}
