import AccessKeys
import Contracts
import CryptoModels
import Foundation
import Hummingbird
import NIOCore
import RPC

/// `POST /api/keys`, `GET /api/keys`, `DELETE /api/keys/{id}`: key administration (the `keys:admin` scope, enforced
/// by ``AccessPolicy``). A new key is shown once, in the creation answer; only its prefix and hash are stored.
struct KeyRoutes: RouteArea {
    let security: GatewaySecurity

    /// A key as listed: never its hash or value.
    struct KeyView: Encodable, Sendable {
        var id: String
        var prefix: String
        var tier: String
        var scopes: [String]
        var name: String?
        var createdAt: EpochMillis
        var revokedAt: EpochMillis?
        var lastUsedAt: EpochMillis?
        var active: Bool
        /// The whole key: only in the answer that created it.
        var key: String?

        init(_ record: APIKeyRecord, key: String? = nil) {
            id = record.id
            prefix = record.prefix
            tier = record.tier
            scopes = record.scopes
            name = record.name
            createdAt = record.createdAt
            revokedAt = record.revokedAt
            lastUsedAt = record.lastUsedAt
            active = record.isActive
            self.key = key
        }

        enum CodingKeys: String, CodingKey {
            case id, prefix, tier, scopes, name, createdAt = "created_at", revokedAt = "revoked_at",
                 lastUsedAt = "last_used_at", active, key
        }
    }

    /// `{"data": …}`.
    struct Envelope<T: Encodable & Sendable>: Encodable, Sendable {
        var data: T
    }

    /// The creation body.
    struct CreateBody: Decodable {
        var tier: String?
        var scopes: [String]?
        var name: String?
    }

    func addRoutes(to router: Router<GatewayContext>) {
        router.post("/api/keys") { request, context in try await create(request, context) }
        router.get("/api/keys") { request, context in
            let includeRevoked = try QueryParameters(request).choice("include_revoked", ["true", "false"], default: "false") == "true"
            let keys = try await security.store.list(includeRevoked: includeRevoked, requestID: context.requestID)
            return try JSONBody.response(Envelope(data: keys.map { KeyView($0) }))
        }
        router.delete("/api/keys/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard APIKey.isValidID(id) else {
                throw Problem.invalidParameter("id", "'id' must be a key id of \(APIKey.idLength) letters and digits")
            }
            let revoked = try await security.store.revoke(id: id, at: Timestamps.nowMillis(), requestID: context.requestID)
            security.keys.invalidate(id: id)
            guard revoked else {
                throw Problem(type: "unknown-key", title: "Unknown key", status: .notFound, detail: "no active key has the id \(id)")
            }
            return Response(status: .noContent)
        }
    }

    func create(_ request: Request, _ context: GatewayContext) async throws -> Response {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: 16 << 10) } catch is NIOTooManyBytesError {
            throw Problem(type: "payload-too-large", title: "Payload too large", status: .contentTooLarge, detail: "the body exceeds 16 KiB")
        }
        let body: CreateBody
        do { body = try JSONDecoder().decode(CreateBody.self, from: Data(buffer: buffer)) } catch {
            throw Problem(type: "invalid-parameter", title: "Invalid parameter", status: .badRequest,
                          detail: #"the body must be a JSON object {"tier": "free"|"pro"|"enterprise"|"admin", "scopes": [string], "name": string}"#,
                          extensions: ["parameter": "body"])
        }
        let tier = body.tier ?? Tier.free.rawValue
        guard Scopes.keyTiers.contains(tier) else {
            throw Problem.invalidParameter("tier", "'tier' must be one of \(Scopes.keyTiers.joined(separator: ", ")), got '\(tier.prefix(20))'")
        }
        let scopes: [String]
        if let requested = body.scopes {
            switch Scopes.parse(requested.joined(separator: ",")) {
            case .success(let parsed): scopes = parsed
            case .failure(let unknown):
                throw Problem.invalidParameter("scopes", "unknown scope '\(unknown.name.prefix(40))'; known: \(Scopes.all.joined(separator: ", "))")
            }
        } else {
            scopes = Scopes.defaults(forTier: tier)
        }
        if let name = body.name, name.count > 100 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Problem.invalidParameter("name", "'name' must be at most 100 characters without control characters")
        }
        let key = APIKey.generate()
        let record = APIKeyRecord(id: key.id, prefix: key.prefix, hash: key.hash, tier: tier, scopes: scopes,
                                  name: body.name, createdAt: Timestamps.nowMillis())
        try await security.store.create(record, requestID: context.requestID)
        return try JSONBody.response(Envelope(data: KeyView(record, key: key.value)), status: .created,
                                     headers: [.cacheControl: "no-store"])
    }

    var openAPI: OpenAPIFragment { AuthOpenAPI.keys }
}
