import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What the responder will do with one replayed request, decided atomically with fault consumption.
enum ReplayPlan: Sendable {
    /// Serve a route (status, headers and body from the capture), after an optional delay.
    case serve(ReplayRoute, delay: Duration?)
    /// Answer 304 for a route whose validators the client already holds.
    case notModified(ReplayRoute, delay: Duration?)
    /// No capture matched: 404 with a JSON explanation.
    case notFound(candidates: [String], delay: Duration?)
    /// A fault-made response (status and rate_limit faults, garbage bodies).
    case synthetic(status: Int, headers: HTTPFields, body: ByteBuffer)
    /// Close the connection without answering.
    case reset
    /// Never answer.
    case hang
    /// Stream this many bytes.
    case oversize(bytes: Int, contentType: String)

    /// The status recorded in the hit log (`nil` when nothing is sent).
    var loggedStatus: Int? {
        switch self {
        case .serve(let route, _): return route.status
        case .notModified: return 304
        case .notFound: return 404
        case .synthetic(let status, _, _): return status
        case .reset, .hang: return nil
        case .oversize: return 200
        }
    }

    /// Builds the plan for a request given the matched route, the applied fault and its capture route.
    static func make(
        key: RequestKey, headers: [String: String], route: ReplayRoute?, fault: FaultSpec?,
        faultRoute: ReplayRoute?, candidates: [String]
    ) -> ReplayPlan {
        var delay: Duration?
        if let fault {
            switch fault.fault {
            case .latency:
                delay = .milliseconds(fault.latencyMs ?? 0)
            case .status:
                let status = fault.status ?? 503
                var fields = faultRoute?.headers ?? jsonHeaders
                if let retry = fault.retryAfterS { fields[.retryAfter] = String(retry) }
                let body = fault.body.map { ByteBuffer(string: $0) }
                    ?? faultRoute?.body
                    ?? replayErrorBody(["error": "replay fault", "fault": "status", "status": status, "path": key.path])
                return .synthetic(status: status, headers: fields, body: body)
            case .rateLimit:
                var fields = faultRoute?.headers ?? jsonHeaders
                if let retry = fault.retryAfterS {
                    fields[.retryAfter] = String(retry)
                } else if fields[.retryAfter] == nil {
                    fields[.retryAfter] = "1"
                }
                let body = fault.body.map { ByteBuffer(string: $0) }
                    ?? faultRoute?.body
                    ?? replayErrorBody(["error": "replay fault", "fault": "rate_limit", "status": 429, "path": key.path])
                return .synthetic(status: 429, headers: fields, body: body)
            case .garbage:
                var fields = route?.headers ?? jsonHeaders
                fields[.eTag] = nil
                fields[.lastModified] = nil
                let body = fault.body.map { ByteBuffer(string: $0) } ?? garbageBody(from: route?.body)
                return .synthetic(status: 200, headers: fields, body: body)
            case .reset:
                return .reset
            case .hang:
                return .hang
            case .oversize:
                return .oversize(
                    bytes: fault.sizeBytes ?? FaultSpec.defaultOversizeBytes,
                    contentType: route?.headers[.contentType] ?? "application/json; charset=utf-8")
            }
        }
        guard let route else { return .notFound(candidates: candidates, delay: delay) }
        if (200..<300).contains(route.status),
           ConditionalGet.isNotModified(
               route: route, ifNoneMatch: headers["if-none-match"], ifModifiedSince: headers["if-modified-since"]) {
            return .notModified(route, delay: delay)
        }
        return .serve(route, delay: delay)
    }

    /// `content-type: application/json; charset=utf-8`.
    static var jsonHeaders: HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        return fields
    }

    /// A small JSON object naming the replay fault (so a test sees it did not come from a capture).
    static func replayErrorBody(_ object: [String: any Sendable]) -> ByteBuffer {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return ByteBuffer(bytes: data)
    }

    /// The first half of a capture, which no JSON or XML parser accepts; a fixed broken
    /// fragment when there is no capture or when the half happens to still parse (e.g. a bare number).
    static func garbageBody(from body: ByteBuffer?) -> ByteBuffer {
        let fallback = ByteBuffer(string: "{\"truncated\": [1, 2, \u{7F}")
        guard let body, body.readableBytes >= 2 else { return fallback }
        let half = body.getSlice(at: body.readerIndex, length: body.readableBytes / 2) ?? body
        let bytes = Data(half.readableBytesView)
        if (try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])) != nil { return fallback }
        return half
    }
}
