import Foundation
import NIOCore
import NIOWebSocket

/// The id a client puts on a request, echoed on the `ack`, `pong` or `error` that answers it.
public enum LiveMessageID: Codable, Sendable, Hashable {
    /// A number.
    case number(Int64)
    /// A string of at most 64 characters.
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            self = .number(number)
        } else {
            let text = try container.decode(String.self)
            guard text.count <= 64 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "id longer than 64 characters")
            }
            self = .string(text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        }
    }
}

/// A client message: `{"op": "subscribe"|"unsubscribe"|"list"|"ping"|"resume", "id": …, …}`.
struct ClientMessage: Decodable, Sendable {
    /// The operation.
    var op: String
    /// The request id, echoed on the answer.
    var id: LiveMessageID?
    /// Channels of `subscribe` / `unsubscribe`.
    var channels: [String]?
    /// Channel of `resume`.
    var channel: String?
    /// Last `seq` the client saw, for `resume`.
    var seq: UInt64?
    /// The `epoch` of the snapshot that `seq` belongs to, for `resume` (optional; a different one forces a resync).
    var epoch: Int64?
}

/// A problem object carried by `error` messages (the same members as problem+json bodies).
public struct LiveProblem: Codable, Sendable, Hashable, Error {
    /// Stable type slug.
    public var type: String
    /// Summary of the type.
    public var title: String
    /// The HTTP status a REST call would have answered with.
    public var status: Int
    /// This occurrence.
    public var detail: String
    /// The channel concerned, when one is.
    public var channel: String?

    static func invalidMessage(_ detail: String) -> LiveProblem {
        .init(type: "invalid-message", title: "Invalid message", status: 400, detail: detail)
    }
    static func invalidChannel(_ channel: String, _ detail: String) -> LiveProblem {
        .init(type: "invalid-channel", title: "Invalid channel", status: 400, detail: detail, channel: String(channel.prefix(64)))
    }
    static func tooLarge(_ size: Int, limit: Int) -> LiveProblem {
        .init(type: "payload-too-large", title: "Message too large", status: 413,
              detail: "a client message may have at most \(limit) bytes; this one has \(size)")
    }
    static func rateLimited(_ perSecond: Int) -> LiveProblem {
        .init(type: "rate-limited", title: "Too many messages", status: 429,
              detail: "at most \(perSecond) client messages per second on this tier; the message was dropped")
    }
    static func subscriptionLimit(_ limit: Int) -> LiveProblem {
        .init(type: "subscription-limit", title: "Too many subscriptions", status: 429,
              detail: "at most \(limit) channels per connection on this tier; nothing was subscribed")
    }
}

/// WebSocket close codes of `/ws` (4000–4999 is the private range).
public enum LiveCloseCode {
    /// Repeated invalid, oversized or rate-limited messages.
    public static let abuse: UInt16 = 4000
    /// The client read too slowly and its queue overflowed.
    public static let slowConsumer: UInt16 = 4001
}

/// One encoded server message, shared by every recipient (a `ByteBuffer` is copy-on-write).
struct OutboundMessage: Sendable {
    /// The JSON text.
    let bytes: ByteBuffer
    /// Replaces a queued message with the same key (price channels conflate per channel and symbol).
    let conflationKey: String?
    /// Per-channel sequence number of updates (for the ring buffer).
    let seq: UInt64?

    /// The text frame carrying the message.
    var frame: WebSocketFrame { WebSocketFrame(fin: true, opcode: .text, data: bytes) }
}

/// Encodes server messages.
enum ServerMessages {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // stable bytes; members in alphabetical order
        return encoder
    }()

    /// Milliseconds since the epoch.
    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1_000).rounded()) }

    private struct Stream<D: Encodable>: Encodable {
        var type: String
        var channel: String
        var seq: UInt64
        var ts: Int64
        var data: D?
        var resync: Bool?
        var epoch: Int64?
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(channel, forKey: .channel)
            try container.encode(seq, forKey: .seq)
            try container.encode(ts, forKey: .ts)
            try container.encode(data, forKey: .data)  // explicit null when there is no data yet
            try container.encodeIfPresent(resync, forKey: .resync)
            try container.encodeIfPresent(epoch, forKey: .epoch)
        }
        enum CodingKeys: String, CodingKey { case type, channel, seq, ts, data, resync, epoch }
    }

    private struct Reply: Encodable {
        var type: String
        var id: LiveMessageID?
        var op: String?
        var channels: [String]?
        var ts: Int64?
        var problem: LiveProblem?
        var channel: String?
        var status: String?
        var service: String?
        var detail: String?
    }

    private static func bytes(_ value: some Encodable) -> ByteBuffer {
        let data = (try? encoder.encode(value)) ?? Data(#"{"type":"error"}"#.utf8)
        return ByteBuffer(bytes: data)
    }

    /// `{"type":"update"|"snapshot","channel","seq","ts","data"[,"resync":true][,"epoch"]}`.
    static func stream(_ type: String, channel: LiveChannel, seq: UInt64, ts: Int64, data: (some Encodable)?,
                       resync: Bool? = nil, epoch: Int64? = nil) -> ByteBuffer {
        bytes(Stream(type: type, channel: channel.description, seq: seq, ts: ts, data: data, resync: resync, epoch: epoch))
    }

    /// `{"type":"ack","id","op","channels"}`.
    static func ack(id: LiveMessageID?, op: String, channels: [String]) -> ByteBuffer {
        bytes(Reply(type: "ack", id: id, op: op, channels: channels))
    }

    /// `{"type":"pong","id","ts"}`.
    static func pong(id: LiveMessageID?) -> ByteBuffer { bytes(Reply(type: "pong", id: id, ts: now())) }

    /// `{"type":"heartbeat","ts"}`.
    static func heartbeat() -> ByteBuffer { bytes(Reply(type: "heartbeat", ts: now())) }

    /// `{"type":"error","id","problem"}`.
    static func error(id: LiveMessageID?, _ problem: LiveProblem) -> ByteBuffer {
        bytes(Reply(type: "error", id: id, problem: problem))
    }

    /// `{"type":"status","channel","status","service","detail","ts"}`: the upstream of a channel went away or came back.
    static func status(channel: LiveChannel, status: String, service: String, detail: String?) -> ByteBuffer {
        bytes(Reply(type: "status", ts: now(), channel: channel.description, status: status, service: service, detail: detail))
    }
}
