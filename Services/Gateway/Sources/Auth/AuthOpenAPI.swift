import AccessKeys
import HTTPTypes
import RPC

/// The security parts of `/openapi.json`: the key and token routes, the security schemes, and — applied to every
/// operation of the assembled document from ``AccessPolicy`` — security requirements, 401/403/429 answers and the
/// rate-limit headers.
enum AuthOpenAPI {
    typealias Doc = OpenAPIDocument

    static let keyView: JSON = ["type": "object", "required": ["id", "prefix", "tier", "scopes", "created_at", "active"], "properties": [
        "id": ["type": "string"], "prefix": ["type": "string", "description": "visible start of the key (cdt_<id>)"],
        "tier": ["type": "string", "enum": .array(Scopes.keyTiers.map(JSON.string))],
        "scopes": ["type": "array", "items": ["type": "string", "enum": .array(Scopes.all.map(JSON.string))]],
        "name": ["type": "string"], "created_at": ["type": "integer"], "revoked_at": ["type": "integer"],
        "last_used_at": ["type": "integer"], "active": ["type": "boolean"],
        "key": ["type": "string", "description": "the whole key; present only in the answer that created it (shown once)"],
    ]]

    static func body(_ schema: JSON, required: Bool = true) -> JSON {
        ["required": .bool(required), "content": ["application/json": ["schema": schema]]]
    }

    static func with(_ operation: JSON, body: JSON) -> JSON {
        guard case .object(var op) = operation else { return operation }
        op["requestBody"] = body
        return .object(op)
    }

    /// `/api/keys` and `/api/keys/{id}`.
    static let keys = OpenAPIFragment(
        paths: [
            "/api/keys": [
                "post": with(Doc.operation("createKey", summary: "Create an API key (keys:admin); the key is shown once, in this answer",
                                           responses: ["201": Doc.response("The new key, with its value", schema: ["type": "object", "properties": ["data": Doc.ref("APIKey")]])]),
                             body: body(["type": "object", "properties": [
                                 "tier": ["type": "string", "enum": .array(Scopes.keyTiers.map(JSON.string)), "default": "free"],
                                 "scopes": ["type": "array", "items": ["type": "string", "enum": .array(Scopes.all.map(JSON.string))],
                                            "description": "default: history:read and sentiment:analyze (admin: every scope)"],
                                 "name": ["type": "string", "maxLength": 100],
                             ]])),
                "get": Doc.operation("listKeys", summary: "List API keys (keys:admin); never their values or hashes",
                                     parameters: [Doc.query("include_revoked", "Include revoked keys", schema: ["type": "boolean", "default": false])],
                                     responses: ["200": Doc.response("Keys, oldest first", schema: ["type": "object", "properties": ["data": ["type": "array", "items": Doc.ref("APIKey")]]])]),
            ],
            "/api/keys/{id}": [
                "delete": Doc.operation("revokeKey", summary: "Revoke an API key (keys:admin); its tokens stop working at once on this gateway and within 60 s everywhere",
                                        parameters: [Doc.path("id", "Key id")],
                                        responses: ["204": ["description": "Revoked"]]),
            ],
        ],
        schemas: ["APIKey": keyView],
        problemTypes: ["unknown-key": "No active API key has that id (404)."])

    /// `/api/auth/token`.
    static let token = OpenAPIFragment(
        paths: [
            "/api/auth/token": [
                "post": with(Doc.operation("issueToken", summary: "Exchange an API key (X-API-Key) for a JWT (default 24 h, capped by JWT_MAX_TTL)",
                                           responses: ["200": Doc.response("The token", schema: ["type": "object", "properties": ["data": [
                                               "type": "object", "required": ["access_token", "token_type", "expires_in", "expires_at", "scope", "tier"],
                                               "properties": ["access_token": ["type": "string"], "token_type": ["type": "string", "const": "Bearer"],
                                                              "expires_in": ["type": "integer"], "expires_at": ["type": "integer", "description": "epoch ms"],
                                                              "scope": ["type": "string", "description": "space-separated scopes"],
                                                              "tier": ["type": "string"]]]]])]),
                             body: body(["type": "object", "properties": [
                                 "ttl_s": ["type": "integer", "minimum": 60, "description": "lifetime in seconds, at most JWT_MAX_TTL"],
                                 "scopes": ["type": "array", "items": ["type": "string"], "description": "a subset of the key's scopes"],
                             ]], required: false)),
            ],
        ],
        problemTypes: [
            "unauthorized": "Missing, malformed, unknown, revoked or expired credentials, or credentials in the query string (401, WWW-Authenticate).",
            "insufficient-scope": "The credential is valid but lacks the route's scope (403); `required_scope` names it.",
            "quota-exceeded": "The tier's per-minute or per-day quota is spent (429, Retry-After and rate-limit headers).",
            "tier-limit": "The request asks for more than the tier allows in one call, e.g. symbols (413).",
        ])

    /// Adds security schemes, rate-limit headers and per-operation security to an assembled document.
    static func annotate(_ document: JSON, policy: AccessPolicy) -> JSON {
        guard case .object(var root) = document, case .object(var paths)? = root["paths"],
              case .object(var components)? = root["components"] else { return document }
        components["securitySchemes"] = [
            "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key", "description": "An API key (cdt_…); never in the query string."],
            "bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A token from POST /api/auth/token."],
        ]
        if case .object(var headers)? = components["headers"] {
            headers["RateLimit-Policy"] = ["description": "Quota policies: \"minute\";q=<n>;w=60, \"day\";q=<n>;w=86400", "schema": ["type": "string"]]
            headers["RateLimit"] = ["description": "Remaining per policy: \"minute\";r=<left>;t=<seconds until whole>", "schema": ["type": "string"]]
            headers["X-RateLimit-Limit"] = ["description": "Quota of the binding policy", "schema": ["type": "integer"]]
            headers["X-RateLimit-Remaining"] = ["description": "Requests left in the binding policy", "schema": ["type": "integer"]]
            headers["X-RateLimit-Reset"] = ["description": "Seconds until the binding policy is whole again", "schema": ["type": "integer"]]
            headers["Retry-After"] = ["description": "Seconds to wait (429, 503)", "schema": ["type": "integer"]]
            components["headers"] = .object(headers)
        }
        let limitHeaders: JSON = .object(Dictionary(uniqueKeysWithValues: ["RateLimit-Policy", "RateLimit", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
            .map { ($0, JSON.object(["$ref": .string("#/components/headers/\($0)")])) }))
        let problem: (String) -> JSON = { description in
            ["description": .string(description), "content": ["application/problem+json": ["schema": Doc.ref("Problem")]]]
        }
        for (path, item) in paths {
            guard case .object(var operations) = item else { continue }
            for (method, operation) in operations {
                guard case .object(var op) = operation, case .object(var responses)? = op["responses"] else { continue }
                let access = policy.access(method: HTTPRequest.Method(method.uppercased()) ?? .get, template: path)
                if access == .uncounted { continue }
                for (status, response) in responses where status.hasPrefix("2") {
                    guard case .object(var body) = response else { continue }
                    var headers: [String: JSON] = [:]
                    if case .object(let existing)? = body["headers"] { headers = existing }
                    if case .object(let extra) = limitHeaders { headers.merge(extra) { first, _ in first } }
                    body["headers"] = .object(headers)
                    responses[status] = .object(body)
                }
                responses["429"] = problem("quota-exceeded: the tier's quota is spent (Retry-After, rate-limit headers)")
                responses["401"] = problem("unauthorized: credentials missing (protected routes) or invalid")
                if case .requires(let scope) = access {
                    responses["403"] = problem("insufficient-scope: the credential lacks '\(scope)'")
                    op["security"] = [["apiKey": .array([.string(scope)])], ["bearer": .array([.string(scope)])]]
                    op["x-required-scope"] = .string(scope)
                } else {
                    op["security"] = [[:], ["apiKey": []], ["bearer": []]]
                }
                op["responses"] = .object(responses)
                operations[method] = .object(op)
            }
            paths[path] = .object(operations)
        }
        root["paths"] = .object(paths)
        root["components"] = .object(components)
        return .object(root)
    }
}
