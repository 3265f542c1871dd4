import HTTPTypes
import Hummingbird

/// CORS for the configured origins (`CORS_ORIGINS`, comma-separated, `*` for any; none: no CORS headers at all).
///
/// A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is answered here with 204,
/// before authentication and limits (preflights are never counted); other requests from an allowed origin get
/// `Access-Control-Allow-Origin` and the rate-limit headers exposed. Credentials travel in headers, never cookies,
/// so `Access-Control-Allow-Credentials` is not sent.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let origins: Set<String>
    let anyOrigin: Bool

    init(origins: [String]) {
        self.origins = Set(origins)
        anyOrigin = origins.contains("*")
    }

    static let allowHeaders = "Authorization, X-API-Key, Content-Type, X-Request-Id"
    static let allowMethods = "GET, POST, DELETE, OPTIONS"
    static let exposeHeaders = "RateLimit-Policy, RateLimit, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-Id"

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], anyOrigin || origins.contains(origin) else {
            if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
                // A preflight from an origin that is not allowed: answered without CORS headers, so the browser refuses.
                return Response(status: .noContent)
            }
            return try await next(request, context)
        }
        let allowOrigin = anyOrigin ? "*" : origin
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: allowOrigin, .accessControlAllowMethods: Self.allowMethods,
                .accessControlAllowHeaders: Self.allowHeaders, .accessControlMaxAge: "600", .vary: "Origin",
            ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = allowOrigin
        response.headers[.accessControlExposeHeaders] = Self.exposeHeaders
        if !anyOrigin { response.headers[.vary] = "Origin" }
        return response
    }
}
