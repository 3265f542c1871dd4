import Foundation
import NIOCore
import NIOFoundationCompat

/// Call context that travels with a request: the gateway's request id and the caller's remaining time.
public struct RPCCallContext: Sendable, Hashable, Codable {
    /// The originating request id (the gateway's `X-Request-Id`), for log correlation.
    public var requestID: String?
    /// Milliseconds the caller will wait; the server abandons the call after that.
    public var timeoutMs: Int64?

    /// Creates a call context.
    public init(requestID: String? = nil, timeoutMs: Int64? = nil) {
        self.requestID = requestID
        self.timeoutMs = timeoutMs
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id", timeoutMs = "timeout_ms"
    }
}

/// Encoding of JSON-RPC frames. The envelope is written directly; only `params`/`result` go through `JSONEncoder`.
enum RPCCodec {
    /// Shared coders (both are `Sendable` and stateless between calls).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
    static let decoder = JSONDecoder()

    /// Appends the JSON text of `value`: written directly when ``WireEncoding`` can, else by `JSONEncoder`.
    static func writeBody<T: Encodable>(_ value: T, into buffer: inout ByteBuffer) throws {
        if WireEncoding.encode(value, into: &buffer) { return }
        buffer.writeBytes(try encoder.encode(value))
    }

    static func request<P: Encodable>(id: RPCID, method: String, params: P, ctx: RPCCallContext?) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(method.utf8.count + 256)
        buffer.writeStaticString(#"{"jsonrpc":"2.0","id":"#)
        write(id, into: &buffer)
        buffer.writeStaticString(#","method":"#)
        writeQuoted(method, into: &buffer)
        buffer.writeStaticString(#","params":"#)
        try writeBody(params, into: &buffer)
        if let ctx, ctx.requestID != nil || ctx.timeoutMs != nil {
            buffer.writeStaticString(#","ctx":{"#)
            var first = true
            if let requestID = ctx.requestID {
                buffer.writeStaticString(#""request_id":"#)
                writeQuoted(requestID, into: &buffer)
                first = false
            }
            if let timeout = ctx.timeoutMs {
                if !first { buffer.writeStaticString(",") }
                buffer.writeStaticString(#""timeout_ms":"#)
                buffer.writeString(String(timeout))
            }
            buffer.writeStaticString("}")
        }
        buffer.writeStaticString("}\n")
        return buffer
    }

    static func notification<P: Encodable>(method: String, params: P) throws -> ByteBuffer {
        let body = try encoder.encode(params)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(body.count + method.utf8.count + 48)
        buffer.writeStaticString(#"{"jsonrpc":"2.0","method":"#)
        writeQuoted(method, into: &buffer)
        buffer.writeStaticString(#","params":"#)
        buffer.writeBytes(body)
        buffer.writeStaticString("}\n")
        return buffer
    }

    static func result<R: Encodable>(id: RPCID, result: R) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        buffer.writeStaticString(#"{"jsonrpc":"2.0","id":"#)
        write(id, into: &buffer)
        buffer.writeStaticString(#","result":"#)
        try writeBody(result, into: &buffer)
        buffer.writeStaticString("}\n")
        return buffer
    }

    static func error(id: RPCID?, _ error: RPCError) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString(#"{"jsonrpc":"2.0","id":"#)
        if let id { write(id, into: &buffer) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString(#","error":"#)
        // Encoding an RPCError cannot fail: it holds only strings, numbers and JSON values.
        if let body = try? encoder.encode(error) {
            buffer.writeBytes(body)
        } else {
            buffer.writeStaticString(#"{"code":-32603,"message":"internal error"}"#)
        }
        buffer.writeStaticString("}\n")
        return buffer
    }

    private static func write(_ id: RPCID, into buffer: inout ByteBuffer) {
        switch id {
        case .number(let value): buffer.writeString(String(value))
        case .string(let value): writeQuoted(value, into: &buffer)
        }
    }

    /// Writes `text` as a JSON string literal.
    static func writeQuoted(_ text: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("\"")
        defer { buffer.writeStaticString("\"") }
        // Most strings need no escapes: one copy.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            buffer.writeString(text)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0x09: buffer.writeStaticString("\\t")
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                buffer.writeString("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: buffer.writeInteger(byte)
            }
        }
    }
}

/// A decoder that presents an empty JSON object, used for absent `params`.
struct EmptyObjectDecoder: Decoder {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(EmptyKeyedContainer<Key>())
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "params are required"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "params are required"))
    }
}

private struct EmptyKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }
    func contains(_ key: Key) -> Bool { false }
    func decodeNil(forKey key: Key) throws -> Bool { true }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "params are required"))
    }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "params are required"))
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "params are required"))
    }
    func superDecoder() throws -> any Decoder { EmptyObjectDecoder() }
    func superDecoder(forKey key: Key) throws -> any Decoder { EmptyObjectDecoder() }
}
