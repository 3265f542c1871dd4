import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import WSClient

/// A real WebSocket client of the gateway's `/ws` (swift-websocket's WSClient) for end-to-end tests.
///
/// `LiveClient.with(url) { client in … }` connects, and the body sends JSON messages and awaits received ones.
/// `paused` stops reading from the socket (a slow client), so the kernel buffers fill up.
final class LiveClient: Sendable {
    /// What the client saw.
    enum Event: Sendable {
        case message(LiveMessage)
        case closed(code: UInt16?, reason: String?)
    }

    private let outgoing: AsyncStream<String>.Continuation
    private let inbox = Mutex<(events: [Event], next: Int)>(([], 0))
    private let readGate: Mutex<Bool>

    private init(outgoing: AsyncStream<String>.Continuation, paused: Bool) {
        self.outgoing = outgoing
        self.readGate = Mutex(paused)
    }

    fileprivate func deliver(_ event: Event) { inbox.withLock { $0.events.append(event) } }

    /// Whether reading is paused.
    var paused: Bool {
        get { readGate.withLock { $0 } }
        set { readGate.withLock { $0 = newValue } }
    }

    /// Sends a text message.
    func send(_ text: String) { outgoing.yield(text) }

    /// Sends a JSON object.
    func send(_ object: [String: Any]) {
        send(String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    /// The next event, or nil after `timeout` (polls the inbox; test code).
    func next(timeout: Duration = .seconds(5)) async -> Event? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let event: Event? = inbox.withLock { box in
                guard box.next < box.events.count else { return nil }
                defer { box.next += 1 }
                return box.events[box.next]
            }
            if let event { return event }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// The next message (skipping heartbeats unless `heartbeats`), failing the test's expectations when none comes.
    func message(timeout: Duration = .seconds(5), heartbeats: Bool = false) async -> LiveMessage? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let event = await next(timeout: deadline - .now) else { return nil }
            guard case .message(let message) = event else { return nil }
            if !heartbeats && message.type == "heartbeat" { continue }
            return message
        }
        return nil
    }

    /// Messages until one satisfies `predicate` (inclusive), or nil on timeout.
    func until(timeout: Duration = .seconds(10), _ predicate: (LiveMessage) -> Bool) async -> [LiveMessage]? {
        var seen: [LiveMessage] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = await message(timeout: deadline - .now) else { return nil }
            seen.append(message)
            if predicate(message) { return seen }
        }
        return nil
    }

    /// Reads until the server closes; returns the close code and reason (nil code: closed without a close frame).
    func closed(timeout: Duration = .seconds(10)) async -> (code: UInt16?, reason: String?)? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let event = await next(timeout: deadline - .now) else { return nil }
            if case .closed(let code, let reason) = event { return (code, reason) }
        }
        return nil
    }

    /// Connects to `url`, runs `body`, then closes.
    static func with<T: Sendable>(_ url: String, paused: Bool = false, headers: [String: String] = [:],
                                  _ body: @Sendable (LiveClient) async throws -> T) async throws -> T {
        let fields = HTTPFields(headers.map { HTTPField(name: HTTPField.Name($0.key)!, value: $0.value) })
        let (outStream, outContinuation) = AsyncStream.makeStream(of: String.self)
        let client = LiveClient(outgoing: outContinuation, paused: paused)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                var logger = Logger(label: "live-client")
                logger.logLevel = .warning
                do {
                    let frame = try await WebSocketClient.connect(
                        url: url, configuration: .init(maxFrameSize: 1 << 22, additionalHeaders: fields), logger: logger
                    ) { inbound, outbound, _ in
                        try await withThrowingTaskGroup(of: Void.self) { tasks in
                            tasks.addTask {
                                var iterator = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
                                while true {
                                    while client.paused { try await Task.sleep(for: .milliseconds(20)) }
                                    guard let message = try await iterator.next() else { return }
                                    if case .text(let text) = message { client.deliver(.message(LiveMessage(text))) }
                                }
                            }
                            tasks.addTask {
                                for await text in outStream { try await outbound.write(.text(text)) }
                                try await outbound.close(.normalClosure, reason: nil)
                            }
                            try await tasks.next()
                            tasks.cancelAll()
                        }
                    }
                    client.deliver(.closed(code: frame.map { UInt16(webSocketErrorCode: $0.closeCode) }, reason: frame?.reason))
                } catch {
                    client.deliver(.closed(code: nil, reason: "\(error)"))
                }
                return nil
            }
            do {
                let result = try await body(client)
                outContinuation.finish()
                group.cancelAll()
                return result
            } catch {
                outContinuation.finish()
                group.cancelAll()
                throw error
            }
        }
    }
}

/// A received server message, parsed.
struct LiveMessage: Sendable, CustomStringConvertible {
    /// The message as received; the only stored state, so the type is plainly `Sendable`.
    let text: String

    init(_ text: String) {
        self.text = text
    }

    /// The parsed JSON object (parsed on each use: test messages are small).
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }

    var type: String? { object["type"] as? String }
    var channel: String? { object["channel"] as? String }
    var seq: Int? { (object["seq"] as? NSNumber)?.intValue }
    var id: Int? { (object["id"] as? NSNumber)?.intValue }
    var data: [String: Any]? { object["data"] as? [String: Any] }
    var hasNullData: Bool { object["data"] is NSNull }
    var problemType: String? { (object["problem"] as? [String: Any])?["type"] as? String }
    var channels: [String] { object["channels"] as? [String] ?? [] }
    var description: String { text.count > 300 ? String(text.prefix(300)) + "…" : text }
}

extension UInt16 {
    init(webSocketErrorCode code: WebSocketErrorCode) {
        var buffer = ByteBuffer()
        buffer.write(webSocketErrorCode: code)
        self = buffer.readInteger(as: UInt16.self) ?? 0
    }
}
