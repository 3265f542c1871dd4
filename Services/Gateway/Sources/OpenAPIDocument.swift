import Foundation
import RPC

/// The OpenAPI 3.1 description of the public API, built in code so it cannot drift from the routes' names.
enum OpenAPIDocument {
    /// Problem types the gateway answers with (the `type` member of problem+json bodies).
    static let problemTypes: [String: String] = [
        "invalid-parameter": "A query or path parameter is malformed or out of range (400).",
        "bad-request": "The request could not be parsed (400).",
        "not-found": "No route matches the path (404).",
        "method-not-allowed": "The route exists but not for this method (405).",
        "payload-too-large": "The request body is larger than allowed (413).",
        "service-unavailable": "A backend service is not reachable (503, with Retry-After).",
        "upstream-timeout": "A backend service did not answer in time (504).",
        "internal-error": "An unexpected failure; the response carries the request id to report (500).",
    ]

    static func make(version: String) -> JSON {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Crypto-DT-Source API",
                "version": .string(version),
                "description": "Market prices, OHLCV, trending coins, DeFi TVL, news sentiment and Fear & Greed from public providers, with honest freshness metadata. Errors are RFC 9457 problem+json with a stable `type`.",
            ],
            "paths": [
                "/health": ["get": operation(
                    "liveness", summary: "Liveness of the gateway process",
                    responses: ["200": response("The gateway is running", schema: ["type": "object", "properties": ["status": ["type": "string", "const": "ok"]]])])],
                "/api/health": ["get": operation(
                    "health", summary: "Health of every backend service, with probe latency; answers within 1 s even when a service hangs",
                    responses: [
                        "200": response("Healthy or degraded", schema: ref("HealthSummary")),
                        "503": response("Every backend is unreachable", schema: ref("HealthSummary")),
                    ])],
                "/openapi.json": ["get": operation("openapi", summary: "This document",
                                                   responses: ["200": response("OpenAPI 3.1 document", schema: ["type": "object"])])],
                "/docs": ["get": operation("docs", summary: "Human-readable API documentation",
                                           responses: ["200": ["description": "HTML page", "content": ["text/html": [:]]]])],
            ],
            "components": [
                "schemas": [
                    "Problem": [
                        "type": "object",
                        "required": ["type", "title", "status", "detail"],
                        "properties": [
                            "type": ["type": "string", "enum": .array(problemTypes.keys.sorted().map(JSON.string)),
                                     "description": "Stable problem type."],
                            "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
                            "request_id": ["type": "string"],
                        ],
                        "additionalProperties": true,
                    ],
                    "HealthSummary": [
                        "type": "object",
                        "required": ["status", "services"],
                        "properties": [
                            "status": ["type": "string", "enum": ["healthy", "degraded", "unhealthy"]],
                            "version": ["type": "string"], "time": ["type": "string", "format": "date-time"],
                            "ts": ["type": "integer", "description": "epoch milliseconds"],
                            "services": ["type": "array", "items": ref("ServiceHealth")],
                        ],
                    ],
                    "ServiceHealth": [
                        "type": "object",
                        "required": ["name", "status", "latency_ms"],
                        "properties": [
                            "name": ["type": "string"], "status": ["type": "string", "enum": ["healthy", "degraded", "unhealthy"]],
                            "latency_ms": ["type": "number"], "version": ["type": "string"], "uptime_s": ["type": "number"],
                            "pid": ["type": "integer"], "error": ["type": "string"],
                            "checks": ["type": "array", "items": [
                                "type": "object",
                                "properties": ["name": ["type": "string"], "status": ["type": "string"], "detail": ["type": "string"]],
                            ]],
                        ],
                    ],
                ],
                "headers": [
                    "X-Request-Id": ["description": "Request id, echoed from the request when well-formed or generated.",
                                     "schema": ["type": "string"]],
                ],
                "responses": [
                    "Problem": ["description": "An RFC 9457 problem", "content": ["application/problem+json": ["schema": ref("Problem")]]],
                ],
            ],
            "x-problem-types": .object(problemTypes.mapValues(JSON.string)),
        ]
    }

    static func ref(_ name: String) -> JSON { ["$ref": .string("#/components/schemas/\(name)")] }

    static func response(_ description: String, schema: JSON) -> JSON {
        ["description": .string(description),
         "headers": ["X-Request-Id": ["$ref": "#/components/headers/X-Request-Id"]],
         "content": ["application/json": ["schema": schema]]]
    }

    static func operation(_ id: String, summary: String, responses: [String: JSON]) -> JSON {
        var all = responses
        all["default"] = ["$ref": "#/components/responses/Problem"]
        return ["operationId": .string(id), "summary": .string(summary), "responses": .object(all)]
    }
}
