import HTTPTypes
import Hummingbird
import Logging
import Metrics
import RPC

/// Assigns the request id, maps every error to problem+json, and writes the access log line.
///
/// It is the outermost middleware, so it sees unknown routes (Hummingbird's not-found responder runs behind
/// router middleware) and every thrown error; no error leaves the gateway as a bare 500.
struct EdgeMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let logger: Logger
    let accessLog: Bool

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        var context = context
        if let inbound = request.headers[.requestID], RequestIDs.isAcceptable(inbound) { context.requestID = inbound }
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = problem(for: error, request: request, context: context).response(requestID: context.requestID)
        }
        response.headers[.requestID] = context.requestID
        if accessLog {
            let elapsed = ContinuousClock.now - started
            logger.info("request", metadata: [
                "request.id": "\(context.requestID)", "http.method": "\(request.method.rawValue)",
                "http.path": "\(request.uri.path)", "http.status": "\(response.status.code)",
                "http.route": "\(context.endpointPath ?? "-")",
                "duration_ms": "\(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1_000 + Double(elapsed.components.seconds) * 1_000)",
            ])
        }
        return response
    }

    /// The problem an error becomes (also used by the authentication middleware, which answers inside the edge).
    func problem(for error: any Error, request: Request, context: GatewayContext) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                return context.endpointPath == "NotFound" || context.endpointPath == nil
                    ? .notFound(path: request.uri.path)
                    : Problem(type: "not-found", title: "Not found", status: .notFound, detail: error.body ?? "not found")
            case .methodNotAllowed:
                return Problem(type: "method-not-allowed", title: "Method not allowed", status: .methodNotAllowed,
                               detail: "\(request.method.rawValue) is not allowed on \(request.uri.path)")
            case .contentTooLarge:
                return Problem(type: "payload-too-large", title: "Payload too large", status: .contentTooLarge,
                               detail: "the request body exceeds \(context.maxUploadSize) bytes")
            case .badRequest:
                return Problem(type: "bad-request", title: "Bad request", status: .badRequest,
                               detail: error.body ?? "the request is malformed")
            default:
                if error.status.code >= 500 { return internalError(error, context: context) }
                return Problem(type: "http-\(error.status.code)", title: error.status.reasonPhrase, status: error.status,
                               detail: error.body ?? error.status.reasonPhrase)
            }
        case let error as BackendError:
            return Problem.from(rpc: error.error, service: error.service)
        case let error as RPCError:
            return Problem.from(rpc: error, service: "backend")
        default:
            return internalError(error, context: context)
        }
    }

    private func internalError(_ error: any Error, context: GatewayContext) -> Problem {
        logger.error("unhandled error", metadata: ["request.id": "\(context.requestID)", "error": "\(String(reflecting: error))"])
        return Problem(type: "internal-error", title: "Internal error", status: .internalServerError,
                       detail: "the request could not be completed; quote the request id when reporting it")
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`.
    static let requestID = HTTPField.Name("X-Request-Id")!
}
