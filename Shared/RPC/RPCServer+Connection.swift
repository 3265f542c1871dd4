import Foundation
import Logging
import NIOCore

extension RPCServer {
    /// Serves one connection until the peer closes it or the server drains.
    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let channel = connection.channel
        let connectionID = state.withLock { state -> UInt64? in
            let id = state.nextConnectionID
            state.nextConnectionID += 1
            state.connections[id] = ConnectionEntry(channel: channel)
            return state.draining ? nil : id
        }
        guard let connectionID else {
            state.withLock { _ = $0.connections.removeValue(forKey: $0.nextConnectionID - 1) }
            channel.close(promise: nil)
            return
        }
        let (subscriberID, notifications) = hub.register()
        defer {
            hub.unregister(subscriberID)
            state.withLock { _ = $0.connections.removeValue(forKey: connectionID) }
        }
        metrics.connectionOpened()
        defer { metrics.connectionClosed() }

        do {
            try await connection.executeThenClose { inbound, outbound in
                await withDiscardingTaskGroup { group in
                    group.addTask {
                        for await frame in notifications {
                            do { try await outbound.write(frame) } catch { break }
                        }
                    }
                    do {
                        for try await frame in inbound {
                            self.handleFrame(frame, connectionID: connectionID, subscriberID: subscriberID,
                                             outbound: outbound, group: &group)
                        }
                    } catch let error as RPCFrameError {
                        self.logger.warning("closing RPC connection", metadata: ["error": "\(error)"])
                        self.metrics.rejected(code: RPCErrorCode.invalidRequest)
                        try? await outbound.write(RPCCodec.error(id: nil, RPCError(code: RPCErrorCode.invalidRequest,
                                                                                  message: error.description)))
                        channel.close(promise: nil)
                    } catch {
                        self.logger.debug("RPC connection ended", metadata: ["error": "\(error)"])
                    }
                    // The peer is gone: nobody can receive the answers of its running calls, so stop them.
                    let orphans = self.state.withLock { $0.connections[connectionID].map { Array($0.running.values) } ?? [] }
                    for canceller in orphans { canceller.cancel() }
                    self.hub.unregister(subscriberID)
                }
            }
        } catch {
            logger.debug("RPC connection closed with error", metadata: ["error": "\(error)"])
        }
    }

    /// Routes one inbound frame: answers protocol errors and built-ins inline, starts a child task for a call.
    private func handleFrame(_ frame: ByteBuffer, connectionID: UInt64, subscriberID: UInt64,
                             outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, group: inout DiscardingTaskGroup) {
        let header: FrameHeader
        do {
            header = try RPCCodec.decode(FrameHeader.self, from: frame)
        } catch DecodingError.typeMismatch {
            reply(outbound, RPCCodec.error(id: nil, RPCError(code: RPCErrorCode.invalidRequest,
                                                             message: "a request must be a JSON object (batches are not supported)")),
                  group: &group)
            return
        } catch {
            metrics.rejected(code: RPCErrorCode.parseError)
            reply(outbound, RPCCodec.error(id: nil, RPCError(code: RPCErrorCode.parseError, message: "invalid JSON")), group: &group)
            return
        }
        // A response or an error object sent to a server is not a request; ignore it.
        if header.method == nil, header.hasResult || header.error != nil { return }
        let id: RPCID? = header.id.flatMap { $0 }
        guard header.jsonrpc == "2.0" else {
            return invalid(id: id, "'jsonrpc' must be \"2.0\"", outbound, &group)
        }
        guard let method = header.method, !method.isEmpty else {
            return invalid(id: id, "'method' must be a non-empty string", outbound, &group)
        }
        guard case .some(let presentID) = header.id else {
            handleNotification(method: method, frame: frame, connectionID: connectionID)
            return
        }
        guard let id = presentID else {
            return invalid(id: nil, "'id' must be a number or a string", outbound, &group)
        }
        switch method {
        case RPCBuiltins.Subscribe.name, RPCBuiltins.Unsubscribe.name:
            let adding = method == RPCBuiltins.Subscribe.name
            guard let params = try? RPCCodec.decode(ParamsEnvelope<RPCBuiltins.Subscribe.Params>.self, from: frame).params else {
                reply(outbound, RPCCodec.error(id: id, .invalidParams("'topics' must be a list of strings")), group: &group)
                return
            }
            let topics = adding ? hub.update(subscriberID, add: params.topics) : hub.update(subscriberID, remove: params.topics)
            let response = (try? RPCCodec.result(id: id, result: RPCBuiltins.Subscribe.Result(topics: topics)))
                ?? RPCCodec.error(id: id, RPCError(code: RPCErrorCode.internalError, message: "internal error"))
            reply(outbound, response, group: &group)
            return
        default:
            break
        }
        guard let handler = router.handlers[method] else {
            metrics.rejected(code: RPCErrorCode.methodNotFound)
            reply(outbound, RPCCodec.error(id: id, RPCError(code: RPCErrorCode.methodNotFound, message: "unknown method '\(method)'")),
                  group: &group)
            return
        }
        let accepted = state.withLock { state -> Bool in
            guard !state.draining, state.connections[connectionID] != nil else { return false }
            state.connections[connectionID]!.inFlight += 1
            return true
        }
        guard accepted else {
            metrics.rejected(code: RPCErrorCode.shuttingDown)
            reply(outbound, RPCCodec.error(id: id, RPCError(code: RPCErrorCode.shuttingDown, message: "server is shutting down")),
                  group: &group)
            return
        }
        var logger = self.logger
        logger[metadataKey: "rpc.method"] = "\(method)"
        if let requestID = header.ctx?.requestID { logger[metadataKey: "request.id"] = "\(requestID)" }
        let context = RPCRequestContext(method: method, requestID: header.ctx?.requestID, logger: logger)
        let timeoutMs = header.ctx?.timeoutMs
        group.addTask {
            let response = await self.execute(handler, frame: frame, id: id, context: context,
                                              connectionID: connectionID, timeoutMs: timeoutMs)
            try? await outbound.write(response)
            self.finishCall(connectionID: connectionID)
        }
    }

    private func invalid(id: RPCID?, _ message: String, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                         _ group: inout DiscardingTaskGroup) {
        metrics.rejected(code: RPCErrorCode.invalidRequest)
        reply(outbound, RPCCodec.error(id: id, RPCError(code: RPCErrorCode.invalidRequest, message: message)), group: &group)
    }

    private func reply(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, _ frame: ByteBuffer, group: inout DiscardingTaskGroup) {
        group.addTask { try? await outbound.write(frame) }
    }

    /// Handles a notification from the client; the only one understood is `rpc.cancel`.
    private func handleNotification(method: String, frame: ByteBuffer, connectionID: UInt64) {
        guard method == RPCBuiltins.cancelMethod,
              let params = try? RPCCodec.decode(ParamsEnvelope<CancelParams>.self, from: frame).params else { return }
        let canceller = state.withLock { $0.connections[connectionID]?.running[params.id] }
        canceller?.cancel()
    }

    /// Runs a handler with its deadline and maps its outcome to a response frame.
    private func execute(_ handler: RPCRouter.Handler, frame: ByteBuffer, id: RPCID, context: RPCRequestContext,
                         connectionID: UInt64, timeoutMs: Int64?) async -> ByteBuffer {
        let started = ContinuousClock.now
        withUnsafeCurrentTask { task in
            guard let task else { return }
            let expired = state.withLock { state -> Bool in
                state.connections[connectionID]?.running[id] = TaskCanceller(task: task)
                return state.connections[connectionID]?.deadlineExceeded.contains(id) ?? false
            }
            // The deadline timer may fire before this task gets to run under load: honour it now.
            if expired { task.cancel() }
        }
        let deadlineTimer = timeoutMs.map { timeout in
            state.withLock { $0.connections[connectionID]?.channel.eventLoop }?.scheduleTask(in: .milliseconds(max(timeout, 0))) {
                let canceller = self.state.withLock { state -> TaskCanceller? in
                    state.connections[connectionID]?.deadlineExceeded.insert(id)
                    return state.connections[connectionID]?.running[id]
                }
                canceller?.cancel()
            }
        }
        let response: ByteBuffer
        var code = 0
        do {
            response = try await handler(frame, id, context)
        } catch {
            let expired = state.withLock { $0.connections[connectionID]?.deadlineExceeded.contains(id) ?? false }
            let rpcError = mapError(error, expired: expired, context: context)
            code = rpcError.code
            response = RPCCodec.error(id: id, rpcError)
        }
        deadlineTimer??.cancel()
        state.withLock { state in
            state.connections[connectionID]?.running[id] = nil
            state.connections[connectionID]?.deadlineExceeded.remove(id)
        }
        metrics.completed(method: context.method, code: code, duration: ContinuousClock.now - started)
        return response
    }

    private func mapError(_ error: any Error, expired: Bool, context: RPCRequestContext) -> RPCError {
        if expired { return RPCError(code: RPCErrorCode.deadlineExceeded, message: "deadline exceeded") }
        switch error {
        case let error as RPCError: return error
        case let error as any RPCErrorConvertible: return error.rpcError
        case is CancellationError: return RPCError(code: RPCErrorCode.cancelled, message: "cancelled")
        default:
            context.logger.error("RPC handler failed", metadata: ["error": "\(String(reflecting: error))"])
            return RPCError(code: RPCErrorCode.internalError, message: "internal error")
        }
    }

    /// Marks a call finished; closes the connection if the server is draining and it was the last one.
    private func finishCall(connectionID: UInt64) {
        let closeChannel = state.withLock { state -> (any Channel)? in
            guard var entry = state.connections[connectionID] else { return nil }
            entry.inFlight -= 1
            state.connections[connectionID] = entry
            return state.draining && entry.inFlight == 0 ? entry.channel : nil
        }
        closeChannel?.close(promise: nil)
    }
}

/// Parameters of the `rpc.cancel` notification.
struct CancelParams: Codable, Sendable {
    var id: RPCID
}
