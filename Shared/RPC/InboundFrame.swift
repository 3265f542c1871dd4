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
        guard let span = members.jsonrpc else { return false }
        return equals(span, #""2.0""#)
    }

    /// The `id` member.
    var id: IDField {
        guard let span = members.id else { return .absent }
        if equals(span, "null") { return .null }
        if buffer.getInteger(at: buffer.readerIndex + span.lowerBound, as: UInt8.self) == UInt8(ascii: "\"") {
            return string(span).map { .value(.string($0)) } ?? .invalid
        }
        guard let number = integer(span) else { return .invalid }
        return .value(.number(number))
    }

    /// The `method` member when it is a string.
    var method: String? { members.method.flatMap(string) }

    /// Whether the frame is a response (has `result` or `error`).
    var isResponse: Bool { members.result != nil || members.error != nil }

    /// The call context (`ctx`), when present and well-formed.
    ///
    /// Every call carries one, so its usual form — an object of a plain `request_id` string and an integer
    /// `timeout_ms` — is read straight from the bytes (through `JSONDecoder` it was 7 % of a short call's CPU);
    /// anything else (escapes, other number forms, unknown members' odd values) goes through `JSONDecoder`.
    var context: RPCCallContext? {
        guard let span = members.ctx else { return nil }
        return fastContext(span) ?? (try? decode(RPCCallContext.self, span: span))
    }

    private func fastContext(_ span: ScannedFrame.Span) -> RPCCallContext? {
        let base = span.lowerBound
        return buffer.withUnsafeReadableBytes { all -> RPCCallContext? in
            var scanner = JSONSyntax(UnsafeRawBufferPointer(rebasing: all[span]))
            guard scanner.peek() == UInt8(ascii: "{") else { return nil }
            var context = RPCCallContext()
            var plain = true
            do {
                try scanner.forEachMember { key, value in
                    let member = (base + value.lowerBound)..<(base + value.upperBound)
                    if key.elementsEqual("request_id".utf8) {
                        guard !equals(member, "null", in: all) else { return }
                        guard let text = plainString(member, in: all) else { plain = false; return }
                        context.requestID = text
                    } else if key.elementsEqual("timeout_ms".utf8) {
                        guard !equals(member, "null", in: all) else { return }
                        guard let number = integer(member, in: all) else { plain = false; return }
                        context.timeoutMs = number
                    }
                }
            } catch {
                return nil
            }
            return plain ? context : nil
        }
    }

    /// The `error` member, when present and well-formed.
    var error: RPCError? {
        members.error.flatMap { try? decode(RPCError.self, span: $0) }
    }

    /// Decodes `params`; absent or `null` params decode as an empty object.
    func params<P: Decodable>(_ type: P.Type) throws -> P {
        if let span = members.params, !equals(span, "null") { return try decode(type, span: span) }
        return try P(from: EmptyObjectDecoder())
    }

    /// Decodes `result`.
    func result<R: Decodable>(_ type: R.Type) throws -> R {
        guard let span = members.result else {
            throw DecodingError.keyNotFound(FrameKey.result, .init(codingPath: [], debugDescription: "no result"))
        }
        return try decode(type, span: span)
    }

    /// Decodes a member: straight from the bytes in the common cases (``WireDecoding``), else with `JSONDecoder`,
    /// which also produces every decoding error.
    private func decode<T: Decodable>(_ type: T.Type, span: ScannedFrame.Span) throws -> T {
        let fast = buffer.withUnsafeReadableBytes { all in
            WireDecoding.decode(type, from: UnsafeRawBufferPointer(rebasing: all[span]))
        }
        if let fast { return fast }
        return try RPCCodec.decoder.decode(type, from: buffer.getData(at: buffer.readerIndex + span.lowerBound, length: span.count)!)
    }

    /// Whether the member's bytes are exactly `literal`.
    private func equals(_ span: ScannedFrame.Span, _ literal: StaticString) -> Bool {
        buffer.withUnsafeReadableBytes { equals(span, literal, in: $0) }
    }

    private func equals(_ span: ScannedFrame.Span, _ literal: StaticString, in all: UnsafeRawBufferPointer) -> Bool {
        span.count == literal.utf8CodeUnitCount
            && all[span].elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A JSON integer (an optional minus and digits only), or nil.
    private func integer(_ span: ScannedFrame.Span) -> Int64? {
        buffer.withUnsafeReadableBytes { integer(span, in: $0) }
    }

    private func integer(_ span: ScannedFrame.Span, in all: UnsafeRawBufferPointer) -> Int64? {
        var digits = all[span][...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        // Up to 18 digits cannot overflow; longer ones are left to the standard parser.
        guard digits.count <= 18 else { return Int64(String(decoding: UnsafeRawBufferPointer(rebasing: all[span]), as: UTF8.self)) }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return negative ? -value : value
    }

    /// A JSON string without escapes, or nil.
    private func plainString(_ span: ScannedFrame.Span, in all: UnsafeRawBufferPointer) -> String? {
        let raw = all[span]
        guard raw.count >= 2, raw.first == UInt8(ascii: "\""), raw.last == UInt8(ascii: "\"") else { return nil }
        let inner = raw.dropFirst().dropLast()
        guard !inner.contains(UInt8(ascii: "\\")) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: inner), as: UTF8.self)
    }

    /// A JSON string member's value; decodes escapes with `JSONDecoder` only when there are any.
    private func string(_ span: ScannedFrame.Span) -> String? {
        let plain = buffer.withUnsafeReadableBytes { plainString(span, in: $0) }
        if let plain { return plain }
        guard span.count >= 2 else { return nil }
        return try? decode(String.self, span: span)
    }

    private enum FrameKey: String, CodingKey { case result }
}
