import AccessKeys
import Foundation
import Hummingbird
import NIOCore

/// `POST /api/auth/token`: exchanges an API key (in `X-API-Key`) for a JWT.
///
/// Body (optional) `{"ttl_s": n, "scopes": [...]}`: a shorter lifetime (capped at `JWT_MAX_TTL`) and a subset of
/// the key's scopes. The answer is `{"data": {"access_token", "token_type": "Bearer", "expires_in", "expires_at",
/// "scope", "tier"}}` with `Cache-Control: no-store`.
struct TokenRoutes: RouteArea {
    let security: GatewaySecurity

    struct Body: Decodable {
        var ttlS: Int?
        var scopes: [String]?
        enum CodingKeys: String, CodingKey { case ttlS = "ttl_s", scopes }
    }

    struct TokenView: Encodable, Sendable {
        var accessToken: String
        var tokenType = "Bearer"
        var expiresIn: Int
        var expiresAt: Int64
        var scope: String
        var tier: String
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in", expiresAt = "expires_at", scope, tier
        }
    }

    func addRoutes(to router: Router<GatewayContext>) {
        router.post("/api/auth/token") { request, context in try await issue(request, context) }
    }

    func issue(_ request: Request, _ context: GatewayContext) async throws -> Response {
        guard let keyID = context.identity.keyID, request.headers[.apiKey] != nil else {
            throw Problem(type: "unauthorized", title: "Unauthorized", status: .unauthorized,
                          detail: "send the API key to exchange in X-API-Key", headers: [.wwwAuthenticate: "Bearer realm=\"cryptodt\""])
        }
        let buffer = try await request.body.collect(upTo: 4 << 10)
        var body = Body()
        if buffer.readableBytes > 0 {
            do { body = try JSONDecoder().decode(Body.self, from: Data(buffer: buffer)) } catch {
                throw Problem.invalidParameter("body", #"the body must be empty or {"ttl_s": integer, "scopes": [string]}"#)
            }
        }
        let maxTTL = security.configuration.maxTokenTTL
        let ttl = body.ttlS ?? security.configuration.tokenTTL
        guard (60...maxTTL).contains(ttl) else {
            throw Problem.invalidParameter("ttl_s", "'ttl_s' must be between 60 and \(maxTTL) seconds, got \(ttl)")
        }
        var scopes = context.identity.scopes
        if let requested = body.scopes {
            let asked = Set(requested)
            guard asked.isSubset(of: scopes) else {
                throw Problem(type: "insufficient-scope", title: "Insufficient scope", status: .forbidden,
                              detail: "a token may carry only scopes the key holds: \(scopes.sorted().joined(separator: ", "))")
            }
            scopes = asked
        }
        let (token, claims) = try await security.tokens.issue(keyID: keyID, tier: context.identity.tier, scopes: Array(scopes), ttl: ttl)
        let view = TokenView(accessToken: token, expiresIn: ttl, expiresAt: Int64(claims.exp.value.timeIntervalSince1970 * 1_000),
                             scope: claims.scope, tier: claims.tier)
        return try JSONBody.response(KeyRoutes.Envelope(data: view), headers: [.cacheControl: "no-store"])
    }

    var openAPI: OpenAPIFragment { AuthOpenAPI.token }
}
