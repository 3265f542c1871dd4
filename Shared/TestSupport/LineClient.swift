import Foundation
import NIOCore
import NIOPosix
import RPC

/// A raw newline-delimited client for protocol tests: sends bytes as they are and reads reply frames.
public actor LineClient {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator

    /// Connects to a Unix socket path or TCP address.
    public init(address: RPCAddress) async throws {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NDJSONFrameDecoder(maxFrameBytes: 64 << 20)))
                return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
            }
        }
        switch address {
        case .unix(let path):
            channel = try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
        case .tcp(let host, let port):
            channel = try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
        }
        iterator = channel.inbound.makeAsyncIterator()
    }

    /// Sends `text` exactly as given (end it with `\n` to terminate a frame).
    public func send(_ text: String) async throws {
        try await channel.channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Sends raw bytes.
    public func send(bytes: [UInt8]) async throws {
        try await channel.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// The next frame as a JSON object; `nil` when the server closed the connection.
    public func readObject() async throws -> sending [String: Any]? {
        var current = iterator
        let next = try await current.next(isolation: self)
        iterator = current
        guard let frame = next else { return nil }
        let object = try JSONSerialization.jsonObject(with: Data(frame.readableBytesView))
        return object as? [String: Any]
    }

    /// Sends one frame and returns the next reply frame.
    public func exchange(_ line: String) async throws -> sending [String: Any]? {
        try await send(line + "\n")
        return try await readObject()
    }

    /// Whether the connection is still open.
    public var isActive: Bool { channel.channel.isActive }

    /// Closes the connection.
    public func close() async {
        channel.outbound.finish()
        try? await channel.channel.close()
    }

    deinit {
        // NIOAsyncChannel requires its writer to be finished; this client writes through the channel directly.
        channel.outbound.finish()
        channel.channel.close(promise: nil)
    }
}
