import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Answers every request: `/_control/…` goes to the control API, everything else is replayed.
public struct ReplayResponder: HTTPResponder {
    /// The context carries the channel, which the `reset` and `hang` faults need.
    public typealias Context = ReplayRequestContext

    /// Routes, faults and hits.
    public let store: ReplayStore

    /// Creates a responder over a store.
    public init(store: ReplayStore) {
        self.store = store
    }

    /// Dispatches to the control API or replays a capture.
    public func respond(to request: Request, context: ReplayRequestContext) async throws -> Response {
        let path = request.uri.path
        if path == "/_control" || path.hasPrefix("/_control/") {
            return await self.control(request, path: path, context: context)
        }
        let key = RequestKey(method: request.method.rawValue, path: path, rawQuery: request.uri.query)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let plan = self.store.plan(for: key, headers: headers)
        context.logger.debug(
            "replay", metadata: ["replay.path": "\(key.pathAndQuery)", "replay.status": "\(plan.loggedStatus ?? 0)"])
        return try await self.execute(plan, key: key, request: request, context: context)
    }

    /// Carries out a plan.
    func execute(
        _ plan: ReplayPlan, key: RequestKey, request: Request, context: ReplayRequestContext
    ) async throws -> Response {
        switch plan {
        case .serve(let route, let delay):
            if let delay { try await Task.sleep(for: delay) }
            return Response(status: .init(code: route.status), headers: route.headers, body: .init(byteBuffer: route.body))
        case .notModified(let route, let delay):
            if let delay { try await Task.sleep(for: delay) }
            var headers = HTTPFields()
            for name in [HTTPField.Name.eTag, .lastModified, .cacheControl, .expires, .vary] {
                if let value = route.headers[name] { headers[name] = value }
            }
            return Response(status: .notModified, headers: headers, body: .init())
        case .notFound(let candidates, let delay):
            if let delay { try await Task.sleep(for: delay) }
            return Self.notFound(key, candidates: candidates)
        case .synthetic(let status, let headers, let body):
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
        case .reset:
            await Self.reset(context.channel)
            return Response(status: .internalServerError)
        case .hang:
            // Connections allow half-closure, so a client giving up is seen on the inbound stream,
            // not as a channel close: watch the stream and close the channel when it ends.
            let channel = context.channel
            self.store.hangStarted()
            defer { self.store.hangEnded() }
            try? await request.body.consumeWithInboundCloseHandler { _ in
                await Self.hang(channel)
            } onInboundClosed: {
                channel.close(promise: nil)
            }
            return Response(status: .serviceUnavailable)
        case .oversize(let bytes, let contentType):
            var headers = HTTPFields()
            headers[.contentType] = contentType
            return Response(status: .ok, headers: headers, body: Self.oversizeBody(bytes: bytes))
        }
    }

    /// 404 naming the request and the routes that share its path, so a failing test shows why.
    static func notFound(_ key: RequestKey, candidates: [String]) -> Response {
        struct Body: Encodable {
            let error: String
            let method: String
            let path: String
            let query: [String: String]
            let rawQuery: String?
            let routesForThisPath: [String]
            enum CodingKeys: String, CodingKey {
                case error, method, path, query
                case rawQuery = "raw_query"
                case routesForThisPath = "routes_for_this_path"
            }
        }
        let body = Body(
            error: "no capture matched", method: key.method, path: key.path, query: key.parameterDictionary,
            rawQuery: key.rawQuery, routesForThisPath: candidates)
        return ControlJSON.response(status: .notFound, body)
    }

    /// Closes the connection with SO_LINGER 0, so the peer sees a TCP RST rather than a clean FIN.
    static func reset(_ channel: any Channel) async {
        if let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }

    /// Waits until the client closes the connection, the task is cancelled or the server shuts down
    /// (then the connection is closed), so a hanging request never blocks shutdown.
    static func hang(_ channel: any Channel) async {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                try? await channel.closeFuture.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }

    /// A body of exactly `bytes` bytes, streamed in 64 KiB chunks: `{"padding":"aaa…"}` when it fits.
    static func oversizeBody(bytes: Int) -> ResponseBody {
        ResponseBody(contentLength: nil) { writer in
            let prefix = Array("{\"padding\":\"".utf8)
            let suffix = Array("\"}".utf8)
            let wrap = bytes >= prefix.count + suffix.count
            var remaining = wrap ? bytes - prefix.count - suffix.count : bytes
            if wrap { try await writer.write(ByteBuffer(bytes: prefix)) }
            let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 64 * 1024)
            while remaining > 0 {
                let size = min(remaining, chunk.readableBytes)
                try await writer.write(chunk.getSlice(at: chunk.readerIndex, length: size) ?? chunk)
                remaining -= size
            }
            if wrap { try await writer.write(ByteBuffer(bytes: suffix)) }
            try await writer.finish(nil)
        }
    }
}
