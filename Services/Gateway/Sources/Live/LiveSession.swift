import Foundation
import Logging
import Metrics
import NIOCore
import NIOWebSocket
import WSCore

/// Serving one `/ws` connection: a writer draining the session's queue, a heartbeat when idle, and a reader that
/// answers client messages. A close the session asks for (slow consumer, abuse) ends all three and is sent with
/// its code and reason; if the close frame cannot be delivered within the grace period, the socket is dropped.
extension LiveStreams {
    func serve(_ admission: LiveAdmission, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
               channel: any Channel) async {
        let session = ClientSession(identity: admission.identity, limits: admission.limits, queueLimit: settings.queueLimit,
                                    channel: settings.directWrites ? channel : nil)
        Counter(label: "ws_connections_opened_total").increment()
        defer {
            hub.detachAll(session)
            session.finish()
            admission.lease.release()
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.writeLoop(session, outbound) }
            group.addTask { await self.heartbeatLoop(session) }
            group.addTask { await self.readLoop(session, inbound) }
            group.addTask { for await _ in session.closes { return } }
            await group.next()
            group.cancelAll()
        }
        guard let close = session.closeRequest else { return }
        Counter(label: "ws_connections_closed_total", dimensions: [("code", "\(close.code)")]).increment()
        logger.notice("closing websocket", metadata: ["ws.code": "\(close.code)", "ws.reason": "\(close.reason)",
                                                      "identity": "\(session.identity.limitKey)"])
        let grace = settings.closeGrace
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for message in session.drain() { try? await outbound.write(.custom(message.frame)) }
                try? await outbound.close(WebSocketErrorCode(codeNumber: Int(close.code)), reason: close.reason)
            }
            group.addTask {
                try? await Task.sleep(for: grace)
                if !Task.isCancelled { channel.close(promise: nil) }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Writes queued messages in order until the connection fails or the session is closing.
    private func writeLoop(_ session: ClientSession, _ outbound: WebSocketOutboundWriter) async {
        for await _ in session.wakes {
            while true {
                let batch = session.drain()
                if batch.isEmpty { break }
                for message in batch {
                    do { try await outbound.write(.custom(message.frame)) } catch { return }
                }
            }
            if session.closeRequest != nil { return }
        }
    }

    /// Queues a `heartbeat` whenever nothing was sent for the heartbeat interval.
    private func heartbeatLoop(_ session: ClientSession) async {
        let interval = settings.heartbeat
        while !Task.isCancelled {
            let idle = session.idle()
            if idle >= interval {
                session.enqueue(OutboundMessage(bytes: ServerMessages.heartbeat(), conflationKey: nil, seq: nil))
                do { try await Task.sleep(for: interval) } catch { return }
            } else {
                do { try await Task.sleep(for: interval - idle) } catch { return }
            }
        }
    }

    /// Reads client messages until the client goes away or the session is closing.
    private func readLoop(_ session: ClientSession, _ inbound: WebSocketInboundStream) async {
        var iterator = inbound.messages(maxSize: settings.maxFrameSize).makeAsyncIterator()
        do {
            while let message = try await iterator.next() {
                await handle(message, session)
                if session.closeRequest != nil { return }
            }
        } catch {
            logger.debug("websocket read ended", metadata: ["error": "\(error)"])
        }
    }

    /// Answers one client message.
    func handle(_ message: WebSocketMessage, _ session: ClientSession) async {
        guard session.admitMessage() else {
            return violation(session, id: nil, .rateLimited(session.limits.messagesPerSecond))
        }
        let bytes: Data
        switch message {
        case .text(let text): bytes = Data(text.utf8)
        case .binary: return violation(session, id: nil, .invalidMessage("binary messages are not accepted; send JSON text"))
        }
        guard bytes.count <= settings.maxMessageBytes else {
            return violation(session, id: nil, .tooLarge(bytes.count, limit: settings.maxMessageBytes))
        }
        let request: ClientMessage
        do {
            request = try JSONDecoder().decode(ClientMessage.self, from: bytes)
        } catch {
            return violation(session, id: nil, .invalidMessage(
                "expected a JSON object like {\"op\":\"subscribe\",\"id\":1,\"channels\":[\"prices:BTC\"]}"))
        }
        switch request.op {
        case "subscribe": await subscribe(request, session)
        case "unsubscribe": unsubscribe(request, session)
        case "list": reply(session, ServerMessages.ack(id: request.id, op: "list", channels: session.subscriptions.map(\.description).sorted()))
        case "ping": reply(session, ServerMessages.pong(id: request.id))
        case "resume": await resume(request, session)
        default:
            violation(session, id: request.id, .invalidMessage(
                "unknown op `\(request.op.prefix(32))`; ops are subscribe, unsubscribe, list, ping, resume"))
        }
    }

    /// Parses channel names; answers an error (and counts a violation) for the first bad one.
    private func channels(_ names: [String]?, _ request: ClientMessage, _ session: ClientSession) -> [LiveChannel]? {
        guard let names, !names.isEmpty, names.count <= 100 else {
            violation(session, id: request.id, .invalidMessage("`channels` must be a non-empty array of at most 100 names"))
            return nil
        }
        var parsed: [LiveChannel] = []
        for name in names {
            do throws(LiveChannel.ParseError) {
                let channel = try LiveChannel(parsing: name)
                if !parsed.contains(channel) { parsed.append(channel) }
            } catch {
                violation(session, id: request.id, .invalidChannel(name, error.detail))
                return nil
            }
        }
        return parsed
    }

    private func subscribe(_ request: ClientMessage, _ session: ClientSession) async {
        guard let requested = channels(request.channels, request, session) else { return }
        let existing = session.subscriptions
        let fresh = requested.filter { !existing.contains($0) }
        guard session.addSubscriptions(fresh) else {
            return reply(session, ServerMessages.error(id: request.id, .subscriptionLimit(session.limits.subscriptions)))
        }
        var subscribed = requested.filter { existing.contains($0) }
        for channel in fresh {
            if let problem = await attach(channel, session, resync: false) {
                session.removeSubscriptions([channel])
                reply(session, ServerMessages.error(id: request.id, problem))
            } else {
                subscribed.append(channel)
            }
        }
        reply(session, ServerMessages.ack(id: request.id, op: "subscribe", channels: subscribed.map(\.description)))
    }

    private func unsubscribe(_ request: ClientMessage, _ session: ClientSession) {
        guard let requested = channels(request.channels, request, session) else { return }
        for channel in requested { hub.detach(session, from: channel) }
        session.removeSubscriptions(requested)
        reply(session, ServerMessages.ack(id: request.id, op: "unsubscribe", channels: requested.map(\.description)))
    }

    private func resume(_ request: ClientMessage, _ session: ClientSession) async {
        guard let name = request.channel, let seq = request.seq else {
            return violation(session, id: request.id, .invalidMessage("`resume` needs `channel` and `seq`"))
        }
        guard let channel = channels([name], request, session)?.first else { return }
        guard session.addSubscriptions([channel]) else {
            return reply(session, ServerMessages.error(id: request.id, .subscriptionLimit(session.limits.subscriptions)))
        }
        hub.detach(session, from: channel)
        let sameEpoch = request.epoch.map { $0 == hub.epoch } ?? true
        if !(sameEpoch && hub.resume(session, on: channel, after: seq)), let problem = await attach(channel, session, resync: true) {
            session.removeSubscriptions([channel])
            return reply(session, ServerMessages.error(id: request.id, problem))
        }
        reply(session, ServerMessages.ack(id: request.id, op: "resume", channels: [channel.description]))
    }

    /// Fetches the snapshot (market channels) and attaches the session; a problem when the channel is refused.
    private func attach(_ channel: LiveChannel, _ session: ClientSession, resync: Bool) async -> LiveProblem? {
        switch channel {
        case .prices, .allPrices, .ohlcv:
            switch await snapshots.snapshot(channel, watchlist: settings.watchlist, vs: settings.vs) {
            case .refused(let problem):
                return problem
            case .data(let payload, let unavailable):
                hub.attach(session, to: channel, snapshot: .fetched(payload), resync: resync)
                if let unavailable {
                    reply(session, ServerMessages.status(channel: channel, status: "upstream-unavailable",
                                                         service: "market-svc", detail: unavailable))
                }
            }
        case .news, .sentiment, .defi, .health:
            hub.attach(session, to: channel, snapshot: .lastNotification, resync: resync)
        }
        return nil
    }

    private func reply(_ session: ClientSession, _ bytes: ByteBuffer) {
        session.enqueue(OutboundMessage(bytes: bytes, conflationKey: nil, seq: nil))
    }

    /// Answers an invalid message and closes the connection once the abuse limit is reached.
    private func violation(_ session: ClientSession, id: LiveMessageID?, _ problem: LiveProblem) {
        reply(session, ServerMessages.error(id: id, problem))
        if session.recordViolation(limit: settings.abuseLimit) {
            session.requestClose(code: LiveCloseCode.abuse,
                                 reason: "too many invalid messages (\(settings.abuseLimit)); last: \(problem.type)")
        }
    }
}
