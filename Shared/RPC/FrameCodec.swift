import NIOCore

/// Splits an inbound byte stream into newline-delimited JSON frames (NDJSON), enforcing a maximum frame size.
///
/// A frame longer than `maxFrameBytes` (without its newline) throws ``RPCFrameError/frameTooLarge(limit:)``;
/// the connection handler answers with an error and closes that connection. Empty lines are skipped.
public struct NDJSONFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    /// The largest accepted frame, in bytes.
    public let maxFrameBytes: Int
    private var scannedBytes = 0

    /// Creates a decoder accepting frames up to `maxFrameBytes`.
    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        while true {
            let view = buffer.readableBytesView
            let searchStart = view.startIndex + scannedBytes
            guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                scannedBytes = view.count
                if view.count > maxFrameBytes { throw RPCFrameError.frameTooLarge(limit: maxFrameBytes) }
                return .needMoreData
            }
            let length = newline - view.startIndex
            scannedBytes = 0
            if length > maxFrameBytes { throw RPCFrameError.frameTooLarge(limit: maxFrameBytes) }
            var frame = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            // Tolerate CRLF line endings.
            if frame.readableBytesView.last == UInt8(ascii: "\r") { frame = frame.getSlice(at: frame.readerIndex, length: length - 1)! }
            if frame.readableBytes == 0 { continue }
            context.fireChannelRead(Self.wrapInboundOut(frame))
            return .continue
        }
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A final frame without a trailing newline is still a frame.
        let state = try decode(context: context, buffer: &buffer)
        if state == .needMoreData, buffer.readableBytes > 0, seenEOF {
            let frame = buffer.readSlice(length: buffer.readableBytes)!
            scannedBytes = 0
            context.fireChannelRead(Self.wrapInboundOut(frame))
        }
        return .needMoreData
    }
}

/// Framing failures.
public enum RPCFrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A frame exceeded the configured maximum.
    case frameTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .frameTooLarge(let limit): "frame exceeds the maximum of \(limit) bytes"
        }
    }
}

/// Appends the frame delimiter to outbound frames.
final class NDJSONFrameEncoder: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var buffer = Self.unwrapOutboundIn(data)
        if buffer.readableBytesView.last != UInt8(ascii: "\n") { buffer.writeInteger(UInt8(ascii: "\n")) }
        context.write(Self.wrapOutboundOut(buffer), promise: promise)
    }
}

/// Coalesces flushes: many responses written in one event-loop tick leave in one `writev` instead of one syscall each.
///
/// A flush is deferred to the end of the current batch of event-loop tasks; writes queued before it runs are sent with it.
final class FlushCoalescingHandler: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    private var flushScheduled = false

    func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            guard bound.value.handler.flushScheduled else { return }
            bound.value.handler.flushScheduled = false
            bound.value.context.flush()
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // Whatever was written before the close must still leave (the last answers of a draining connection).
        if flushScheduled {
            flushScheduled = false
            context.flush()
        }
        context.close(mode: mode, promise: promise)
    }
}
