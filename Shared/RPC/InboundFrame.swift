import Foundation
import NIOCore

/// One received frame with its scanned members; typed values are decoded from their byte ranges on demand.
struct InboundFrame {
    /// What the `id` member holds.
    enum IDField: Equatable {
        /// No `id` member: a notification.
        case absent
        /// `"id": null`.
        case null
        /// A number or string id.
        case value(RPCID)
        /// Something else (a fraction, an object …).
        case invalid
    }

    let buffer: ByteBuffer
    let members: ScannedFrame

    /// Scans a frame; throws ``ScannedFrame/SyntaxError`` (not JSON) or ``ScannedFrame/NotAnObject``.
    init(_ buffer: ByteBuffer) throws {
        self.buffer = buffer
        self.members = try buffer.withUnsafeReadableBytes { try ScannedFrame($0) }
    }

    /// Whether `jsonrpc` is exactly the string "2.0".
    var isVersion2: Bool {
        guard let span = members.jsonrpc, span.count == 5 else { return false }
        return bytes(span) == Array(#""2.0""#.utf8)
    }

    /// The `id` member.
    var id: IDField {
        guard let span = members.id else { return .absent }
        let raw = bytes(span)
        if raw == Array("null".utf8) { return .null }
        if raw.first == UInt8(ascii: "\"") { return string(span).map { .value(.string($0)) } ?? .invalid }
        guard let text = String(bytes: raw, encoding: .utf8), let number = Int64(text) else { return .invalid }
        return .value(.number(number))
    }

    /// The `method` member when it is a string.
    var method: String? { members.method.flatMap(string) }

    /// Whether the frame is a response (has `result` or `error`).
    var isResponse: Bool { members.result != nil || members.error != nil }

    /// The call context (`ctx`), when present and well-formed.
    var context: RPCCallContext? {
        members.ctx.flatMap { try? decode(RPCCallContext.self, span: $0) }
    }

    /// The `error` member, when present and well-formed.
    var error: RPCError? {
        members.error.flatMap { try? decode(RPCError.self, span: $0) }
    }

    /// Decodes `params`; absent or `null` params decode as an empty object.
    func params<P: Decodable>(_ type: P.Type) throws -> P {
        if let span = members.params, bytes(span) != Array("null".utf8) { return try decode(type, span: span) }
        return try P(from: EmptyObjectDecoder())
    }

    /// Decodes `result`.
    func result<R: Decodable>(_ type: R.Type) throws -> R {
        guard let span = members.result else {
            throw DecodingError.keyNotFound(FrameKey.result, .init(codingPath: [], debugDescription: "no result"))
        }
        return try decode(type, span: span)
    }

    private func decode<T: Decodable>(_ type: T.Type, span: ScannedFrame.Span) throws -> T {
        try RPCCodec.decoder.decode(type, from: buffer.getData(at: buffer.readerIndex + span.lowerBound, length: span.count)!)
    }

    private func bytes(_ span: ScannedFrame.Span) -> [UInt8] {
        buffer.getBytes(at: buffer.readerIndex + span.lowerBound, length: span.count) ?? []
    }

    /// A JSON string member's value; decodes escapes with `JSONDecoder` only when there are any.
    private func string(_ span: ScannedFrame.Span) -> String? {
        let raw = bytes(span)
        guard raw.count >= 2, raw.first == UInt8(ascii: "\""), raw.last == UInt8(ascii: "\"") else { return nil }
        if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw[1..<(raw.count - 1)], as: UTF8.self) }
        return try? decode(String.self, span: span)
    }

    private enum FrameKey: String, CodingKey { case result }
}
