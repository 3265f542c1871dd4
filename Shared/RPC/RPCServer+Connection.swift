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

        let outbound = WriteBatcher<ByteBuffer>(channel: channel)
        do {
            try await connection.executeThenClose { inbound, _ in
                await withDiscardingTaskGroup { group in
                    group.addTask {
                        for await frame in notifications {
                            guard channel.isActive else { break }
                            outbound.send(frame)
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
                        outbound.send(RPCCodec.error(id: nil, RPCError(code: RPCErrorCode.invalidRequest, message: error.description)))
                        outbound.closeAfterPendingWrites()
                    } catch {
                        self.logger.debug("RPC connection ended", metadata: ["error": "\(error)"])
                    }
                    // The peer is gone: nobody can receive the answers of its running calls, so stop them.
                    self.state.withLock { state in
                        guard var entry = state.connections[connectionID] else { return }
                        for id in entry.running.keys { entry.running[id]!.cancel() }
                        state.connections[connectionID] = entry
                    }
                    self.hub.unregister(subscriberID)
                }
            }
        } catch {
            logger.debug("RPC connection closed with error", metadata: ["error": "\(error)"])
        }
    }

    /// Routes one inbound frame: answers protocol errors and built-ins inline, starts a child task for a call.
    private func handleFrame(_ buffer: ByteBuffer, connectionID: UInt64, subscriberID: UInt64,
                             outbound: WriteBatcher<ByteBuffer>, group: inout DiscardingTaskGroup) {
        let frame: InboundFrame
        do {
            frame = try InboundFrame(buffer)
        } catch is ScannedFrame.NotAnObject {
            return invalid(id: nil, "a request must be a JSON object (batches are not supported)", outbound, &group)
        } catch {
            metrics.rejected(code: RPCErrorCode.parseError)
            reply(outbound, RPCCodec.error(id: nil, RPCError(code: RPCErrorCode.parseError, message: "invalid JSON")), group: &group)
            return
        }
        // A response or an error object sent to a server is not a request; ignore it.
        if frame.members.method == nil, frame.isResponse { return }
        let idField = frame.id
        let echoID: RPCID? = if case .value(let id) = idField { id } else { nil }
        guard frame.isVersion2 else {
            return invalid(id: echoID, "'jsonrpc' must be \"2.0\"", outbound, &group)
        }
        guard let method = frame.method, !method.isEmpty else {
            return invalid(id: echoID, "'method' must be a non-empty string", outbound, &group)
        }
        let id: RPCID
        switch idField {
        case .absent:
            handleNotification(method: method, frame: frame, connectionID: connectionID)
            return
        case .null, .invalid:
            return invalid(id: nil, "'id' must be a number or a string", outbound, &group)
        case .value(let value):
            id = value
        }
        switch method {
        case RPCBuiltins.Subscribe.name, RPCBuiltins.Unsubscribe.name:
            let adding = method == RPCBuiltins.Subscribe.name
            guard let params = try? frame.params(RPCBuiltins.Subscribe.Params.self) else {
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
        guard let route = router.routes[method] else {
            metrics.rejected(code: RPCErrorCode.methodNotFound)
            reply(outbound, RPCCodec.error(id: id, RPCError(code: RPCErrorCode.methodNotFound, message: "unknown method '\(method)'")),
                  group: &group)
            return
        }
        let accepted = state.withLock { state -> Bool in
            guard !state.draining, state.connections[connectionID] != nil else { return false }
            state.connections[connectionID]!.inFlight += 1
            state.connections[connectionID]!.running[id] = .pending(cancelRequested: false)
            return true
        }
        guard accepted else {
            metrics.rejected(code: RPCErrorCode.shuttingDown)
            reply(outbound, RPCCodec.error(id: id, RPCError(code: RPCErrorCode.shuttingDown, message: "server is shutting down")),
                  group: &group)
            return
        }
        let context = RPCRequestContext(method: method, requestID: frame.context?.requestID, baseLogger: logger)
        let handler = route.handler
        let call: @Sendable () async -> Void = {
            let response = await self.execute(handler, frame: frame, id: id, context: context, connectionID: connectionID)
            outbound.send(response)
            self.finishCall(connectionID: connectionID, outbound: outbound)
        }
        switch route.placement {
        case .eventLoop:
            // An immediate child task runs on this thread (the event loop, by the connection task's executor
            // preference) until its first suspension: a quick handler answers without a hop to another thread,
            // while a handler that awaits I/O still runs concurrently with the next frames.
            group.addImmediateTask(operation: call)
        case .concurrencyPool:
            // A handler that may block its thread must not hold the event loop.
            group.addTask(executorPreference: globalConcurrentExecutor, operation: call)
        case .executor(let executor):
            group.addTask(executorPreference: executor, operation: call)
        }
    }

    private func invalid(id: RPCID?, _ message: String, _ outbound: WriteBatcher<ByteBuffer>,
                         _ group: inout DiscardingTaskGroup) {
        metrics.rejected(code: RPCErrorCode.invalidRequest)
        reply(outbound, RPCCodec.error(id: id, RPCError(code: RPCErrorCode.invalidRequest, message: message)), group: &group)
    }

    private func reply(_ outbound: WriteBatcher<ByteBuffer>, _ frame: ByteBuffer, group: inout DiscardingTaskGroup) {
        outbound.send(frame)
    }

    /// Handles a notification from the client; the only one understood is `rpc.cancel`.
    private func handleNotification(method: String, frame: InboundFrame, connectionID: UInt64) {
        guard method == RPCBuiltins.cancelMethod, let params = try? frame.params(CancelParams.self) else { return }
        state.withLock { state in
            guard state.connections[connectionID]?.running[params.id] != nil else { return }
            state.connections[connectionID]!.running[params.id]!.cancel()
        }
    }

    /// Runs a handler and maps its outcome to a response frame.
    ///
    /// Deadlines are the caller's: a client whose deadline passes sends `rpc.cancel`, and a closed connection cancels
    /// all of its calls, so the server keeps no per-call timers.
    private func execute(_ handler: RPCRouter.Handler, frame: InboundFrame, id: RPCID, context: RPCRequestContext,
                         connectionID: UInt64) async -> ByteBuffer {
        let started = ContinuousClock.now
        withUnsafeCurrentTask { task in
            guard let task else { return }
            let cancelFirst = state.withLock { state -> Bool in
                let asked = if case .pending(cancelRequested: true)? = state.connections[connectionID]?.running[id] { true } else { false }
                state.connections[connectionID]?.running[id] = .running(TaskCanceller(task: task))
                return asked
            }
            // The caller gave up (or disconnected) before this task started: start cancelled.
            if cancelFirst { task.cancel() }
        }
        let response: ByteBuffer
        var code = 0
        do {
            response = try await handler(frame, id, context)
        } catch {
            let rpcError = mapError(error, context: context)
            code = rpcError.code
            response = RPCCodec.error(id: id, rpcError)
        }
        state.withLock { _ = $0.connections[connectionID]?.running.removeValue(forKey: id) }
        metrics.completed(method: context.method, code: code, duration: ContinuousClock.now - started)
        return response
    }

    private func mapError(_ error: any Error, context: RPCRequestContext) -> RPCError {
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
    private func finishCall(connectionID: UInt64, outbound: WriteBatcher<ByteBuffer>) {
        let close = state.withLock { state -> Bool in
            guard var entry = state.connections[connectionID] else { return false }
            entry.inFlight -= 1
            state.connections[connectionID] = entry
            return state.draining && entry.inFlight == 0
        }
        // After the answer just sent: this may run on the event loop, where a direct close would overtake it.
        if close { outbound.closeAfterPendingWrites() }
    }
}

/// Parameters of the `rpc.cancel` notification.
struct CancelParams: Codable, Sendable {
    var id: RPCID
}
