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

/// The fields of an inbound frame needed to route it, decoded before the typed params or result.
struct FrameHeader: Decodable {
    var jsonrpc: String?
    /// `nil` when the frame has no `id` member at all (a notification).
    var id: RPCID??
    var method: String?
    var ctx: RPCCallContext?
    var error: RPCError?
    var hasResult: Bool

    enum CodingKeys: String, CodingKey { case jsonrpc, id, method, ctx, error, result }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        jsonrpc = try? container.decodeIfPresent(String.self, forKey: .jsonrpc)
        if container.contains(.id) {
            id = .some(try? container.decode(RPCID.self, forKey: .id))
        } else {
            id = .none
        }
        method = try? container.decodeIfPresent(String.self, forKey: .method)
        ctx = try? container.decodeIfPresent(RPCCallContext.self, forKey: .ctx)
        error = try? container.decodeIfPresent(RPCError.self, forKey: .error)
        hasResult = container.contains(.result)
    }
}

/// Decodes only `params` of a request or notification frame.
struct ParamsEnvelope<P: Decodable>: Decodable {
    var params: P

    enum CodingKeys: String, CodingKey { case params }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.params), !(try container.decodeNil(forKey: .params)) {
            params = try container.decode(P.self, forKey: .params)
        } else {
            // Absent or null params decode as an empty object, so `NoParams` methods accept both.
            params = try P(from: EmptyObjectDecoder())
        }
    }
}

/// Decodes only `result` of a response frame.
struct ResultEnvelope<R: Decodable>: Decodable {
    var result: R
}

/// Encoding and decoding of JSON-RPC frames.
enum RPCCodec {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    static func request<P: Encodable>(id: RPCID, method: String, params: P, ctx: RPCCallContext?) throws -> ByteBuffer {
        try frame(RequestFrame(id: id, method: method, params: params, ctx: ctx))
    }

    static func notification<P: Encodable>(method: String, params: P) throws -> ByteBuffer {
        try frame(NotificationFrame(method: method, params: params))
    }

    static func result<R: Encodable>(id: RPCID, result: R) throws -> ByteBuffer {
        try frame(ResultFrame(id: id, result: result))
    }

    static func error(id: RPCID?, _ error: RPCError) -> ByteBuffer {
        // Encoding an RPCError cannot fail: it holds only strings, numbers and JSON values.
        (try? frame(ErrorFrame(id: id, error: error))) ?? ByteBuffer(string: #"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error"}}"# + "\n")
    }

    static func frame<T: Encodable>(_ value: T) throws -> ByteBuffer {
        var data = try encoder().encode(value)
        data.append(UInt8(ascii: "\n"))
        return ByteBuffer(data: data)
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try JSONDecoder().decode(type, from: buffer)
    }
}

private struct RequestFrame<P: Encodable>: Encodable {
    let jsonrpc = "2.0"
    let id: RPCID
    let method: String
    let params: P
    let ctx: RPCCallContext?
}

private struct NotificationFrame<P: Encodable>: Encodable {
    let jsonrpc = "2.0"
    let method: String
    let params: P
}

private struct ResultFrame<R: Encodable>: Encodable {
    let jsonrpc = "2.0"
    let id: RPCID
    let result: R
}

private struct ErrorFrame: Encodable {
    let id: RPCID?
    let error: RPCError

    enum CodingKeys: String, CodingKey { case jsonrpc, id, error }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
        try container.encode(error, forKey: .error)
    }
}

/// A decoder that presents an empty JSON object, used for absent `params`.
private struct EmptyObjectDecoder: Decoder {
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
