import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The control API under `/_control/`.
///
/// | method | path | effect |
/// |---|---|---|
/// | GET | `/_control/health` | `{"status":"ok"}` |
/// | GET | `/_control/routes` | file and runtime routes |
/// | POST | `/_control/routes` | add/override runtime route(s): one object or an array |
/// | DELETE | `/_control/routes` | remove runtime routes |
/// | GET | `/_control/faults` | installed faults |
/// | POST | `/_control/faults` | install a fault |
/// | DELETE | `/_control/faults` | remove every fault |
/// | GET | `/_control/hits` | counts and ordered request log since the last reset |
/// | POST | `/_control/reset` | clear hits, faults and runtime routes |
extension ReplayResponder {
    /// Largest control request body accepted.
    static let maximumControlBody = 16 * 1024 * 1024

    /// Handles one control request; every failure becomes a 4xx JSON answer naming the problem.
    func control(_ request: Request, path: String, context: ReplayRequestContext) async -> Response {
        do {
            switch (request.method, RequestKey.normalize(path)) {
            case (.get, "/_control/health"):
                return ControlJSON.response(status: .ok, ["status": "ok"])
            case (.get, "/_control/routes"):
                let routes = self.store.allRouteSpecs
                return ControlJSON.response(status: .ok, RoutesListing(file: routes.file, runtime: routes.runtime))
            case (.post, "/_control/routes"):
                let data = try await Self.body(of: request)
                let specs: [RouteSpec]
                if Self.isJSONArray(data) {
                    specs = try ControlJSON.decode([RouteSpec].self, from: data)
                } else {
                    specs = [try ControlJSON.decode(RouteSpec.self, from: data)]
                }
                for spec in specs { try self.store.addRoute(spec) }
                return ControlJSON.response(status: .created, ["added": specs.count])
            case (.delete, "/_control/routes"):
                self.store.clearRuntimeRoutes()
                return ControlJSON.response(status: .ok, ["cleared": "routes"])
            case (.get, "/_control/faults"):
                return ControlJSON.response(status: .ok, self.store.faults)
            case (.post, "/_control/faults"):
                let spec = try ControlJSON.decode(FaultSpec.self, from: try await Self.body(of: request))
                let fault = try self.store.addFault(spec)
                return ControlJSON.response(status: .created, fault)
            case (.delete, "/_control/faults"):
                self.store.clearFaults()
                return ControlJSON.response(status: .ok, ["cleared": "faults"])
            case (.get, "/_control/hits"):
                return ControlJSON.response(status: .ok, self.store.hits)
            case (.post, "/_control/reset"):
                self.store.reset()
                return ControlJSON.response(status: .ok, ["reset": true])
            default:
                return ControlJSON.error(
                    status: .notFound, "unknown control endpoint \(request.method.rawValue) \(path)",
                    detail: "see docs/replay-upstream.md for the control API")
            }
        } catch let error as ReplayError {
            return ControlJSON.error(status: .badRequest, error.description, detail: nil)
        } catch let error as DecodingError {
            return ControlJSON.error(status: .badRequest, "invalid JSON request", detail: ControlJSON.describe(error))
        } catch {
            return ControlJSON.error(status: .badRequest, "cannot read the request", detail: "\(error)")
        }
    }

    /// The request body as `Data` (at most ``maximumControlBody`` bytes).
    private static func body(of request: Request) async throws -> Data {
        let buffer = try await request.body.collect(upTo: maximumControlBody)
        return Data(buffer.readableBytesView)
    }

    /// Whether the first non-blank byte is `[`.
    private static func isJSONArray(_ data: Data) -> Bool {
        data.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "[")
    }
}

/// `GET /_control/routes` body.
struct RoutesListing: Encodable {
    /// Routes loaded from the routes file.
    let file: [RouteSpec]
    /// Routes added at runtime.
    let runtime: [RouteSpec]
}

/// JSON encoding/decoding for the control API.
enum ControlJSON {
    /// Encodes a value as a JSON response (sorted keys, so output is stable).
    static func response(status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{\"error\":\"encoding failed\"}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"error": message, "detail": detail}`.
    static func error(status: HTTPResponse.Status, _ message: String, detail: String?) -> Response {
        struct Body: Encodable {
            let error: String
            let detail: String?
        }
        return response(status: status, Body(error: message, detail: detail))
    }

    /// Decodes a control request body.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }

    /// A short description of a decoding error that names the offending field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \"\(key.stringValue)\"" + (context.codingPath.isEmpty ? "" : " in \(path(context))")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \"\(path(context))\": \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? context.debugDescription : "bad value at \"\(path(context))\": \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
