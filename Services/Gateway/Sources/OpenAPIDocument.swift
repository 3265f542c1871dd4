import Foundation
import Hummingbird
import RPC

/// A part of the OpenAPI document contributed by one area of routes: its paths, schemas and problem types.
public struct OpenAPIFragment: Sendable {
    /// Path items by path template.
    public var paths: [String: JSON]
    /// Component schemas by name.
    public var schemas: [String: JSON]
    /// Problem types this area answers with, and what they mean.
    public var problemTypes: [String: String]

    /// Creates a fragment.
    public init(paths: [String: JSON] = [:], schemas: [String: JSON] = [:], problemTypes: [String: String] = [:]) {
        self.paths = paths
        self.schemas = schemas
        self.problemTypes = problemTypes
    }
}

/// A group of routes: it registers its handlers and describes them for the OpenAPI document.
public protocol RouteArea: Sendable {
    /// Registers the area's routes.
    func addRoutes(to router: Router<GatewayContext>)
    /// The area's part of `/openapi.json`.
    var openAPI: OpenAPIFragment { get }
}

/// The OpenAPI 3.1 description of the public API, assembled from each route area's fragment.
enum OpenAPIDocument {
    /// Problem types every area may answer with (the `type` member of problem+json bodies).
    static let commonProblemTypes: [String: String] = [
        "invalid-parameter": "A query or path parameter is malformed or out of range (400).",
        "bad-request": "The request could not be parsed (400).",
        "not-found": "No route matches the path (404).",
        "method-not-allowed": "The route exists but not for this method (405).",
        "payload-too-large": "The request body is larger than allowed (413).",
        "service-unavailable": "A backend service is not reachable (503, with Retry-After).",
        "upstream-timeout": "A backend service did not answer in time (504).",
        "internal-error": "An unexpected failure; the response carries the request id to report (500).",
    ]

    /// The core paths: liveness, health, this document and the docs page.
    static let core = OpenAPIFragment(
        paths: [
            "/health": ["get": operation(
                "liveness", summary: "Liveness of the gateway process",
                responses: ["200": response("The gateway is running", schema: ["type": "object", "properties": ["status": ["type": "string", "const": "ok"]]])])],
            "/api/health": ["get": operation(
                "health", summary: "Health of every service, with probe latency; answers within 1 s even when a service hangs",
                responses: [
                    "200": response("Healthy or degraded", schema: ref("HealthSummary")),
                    "503": response("Every backend is unreachable", schema: ref("HealthSummary")),
                ])],
            "/openapi.json": ["get": operation("openapi", summary: "This document",
                                               responses: ["200": response("OpenAPI 3.1 document", schema: ["type": "object"])])],
            "/docs": ["get": operation("docs", summary: "Human-readable API documentation",
                                       responses: ["200": ["description": "HTML page", "content": ["text/html": [:]]]])],
        ],
        schemas: [
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
        ])

    /// Assembles the document from fragments (the core fragment is always included).
    static func make(version: String, fragments: [OpenAPIFragment]) -> JSON {
        var paths: [String: JSON] = [:]
        var schemas: [String: JSON] = ["Problem": problemSchema(types: [])]
        var problemTypes = commonProblemTypes
        for fragment in [core] + fragments {
            paths.merge(fragment.paths) { first, _ in first }
            schemas.merge(fragment.schemas) { first, _ in first }
            problemTypes.merge(fragment.problemTypes) { first, _ in first }
        }
        schemas["Problem"] = problemSchema(types: problemTypes.keys.sorted())
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Crypto-DT-Source API",
                "version": .string(version),
                "description": "Market prices, OHLCV, trending coins, DeFi TVL, news sentiment and Fear & Greed from public providers, with honest freshness metadata. Errors are RFC 9457 problem+json with a stable `type`.",
            ],
            "paths": .object(paths),
            "components": [
                "schemas": .object(schemas),
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

    static func problemSchema(types: [String]) -> JSON {
        [
            "type": "object",
            "required": ["type", "title", "status", "detail"],
            "properties": [
                "type": ["type": "string", "enum": .array(types.map(JSON.string)), "description": "Stable problem type."],
                "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
                "request_id": ["type": "string"],
            ],
            "additionalProperties": true,
        ]
    }

    /// A `$ref` to a component schema.
    static func ref(_ name: String) -> JSON { ["$ref": .string("#/components/schemas/\(name)")] }

    /// A JSON response with the request-id header.
    static func response(_ description: String, schema: JSON) -> JSON {
        ["description": .string(description),
         "headers": ["X-Request-Id": ["$ref": "#/components/headers/X-Request-Id"]],
         "content": ["application/json": ["schema": schema]]]
    }

    /// An operation whose other responses are problems; `parameters` are OpenAPI parameter objects.
    static func operation(_ id: String, summary: String, parameters: [JSON] = [], responses: [String: JSON]) -> JSON {
        var all = responses
        all["default"] = ["$ref": "#/components/responses/Problem"]
        var operation: [String: JSON] = ["operationId": .string(id), "summary": .string(summary), "responses": .object(all)]
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        return .object(operation)
    }

    /// A query parameter.
    static func query(_ name: String, _ description: String, schema: JSON, required: Bool = false) -> JSON {
        ["name": .string(name), "in": "query", "required": .bool(required), "description": .string(description), "schema": schema]
    }

    /// A path parameter.
    static func path(_ name: String, _ description: String, schema: JSON = ["type": "string"]) -> JSON {
        ["name": .string(name), "in": "path", "required": true, "description": .string(description), "schema": schema]
    }
}
