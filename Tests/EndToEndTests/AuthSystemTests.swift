import Contracts
import CryptoModels
import Foundation
import NIOCore
import RPC
import Testing
import TestSupport

/// Authentication through the whole system under supervisord: the `ADMIN_API_KEY` bootstrap, key creation over
/// HTTP, token exchange, revocation with `cryptodt-admin`, limit headers, the audit in store-svc's `user_requests`,
/// and the development signing secret in `$DATA_DIR` (mode 0600).
@Suite("auth through the system", .serialized, .timeLimit(.minutes(3)))
struct AuthSystemTests {
    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    @Test("admin key → new free key → token → protected route; the CLI lists and revokes it; requests are audited")
    func lifecycle() async throws {
        // A 2 s key cache so the revocation by the CLI shows quickly (the 30 s bound is tested in GatewayTests).
        try await SystemHarness.with(environment: ["KEY_CACHE_TTL": "2", "AUDIT_FLUSH_INTERVAL": "0.2"]) { system in
            #expect(await system.waitUntilHealthy())
            let started = Timestamps.nowMillis()
            let anonymous = try await system.request("/api/market/history?symbol=NOPE", authenticated: false)
            #expect(anonymous.status == 401)
            #expect(anonymous.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)

            // The bootstrapped admin key creates a free key (eventually: the bootstrap runs as the gateway starts).
            var created: [String: Any] = [:]
            #expect(await Eventually.wait(timeout: .seconds(10), interval: .milliseconds(200)) {
                guard let response = try? await system.request("/api/keys", method: .POST, body: ByteBuffer(string: #"{"tier":"free","name":"e2e"}"#)),
                      response.status == 201 else { return false }
                created = (Self.json(response.body)["data"] as? [String: Any]) ?? [:]
                return true
            })
            let key = try #require(created["key"] as? String)
            let id = try #require(created["id"] as? String)

            let token = try await system.request("/api/auth/token", method: .POST, headers: [("X-API-Key", key)])
            #expect(token.status == 200)
            let accessToken = try #require((Self.json(token.body)["data"] as? [String: Any])?["access_token"] as? String)
            let bearer = [("Authorization", "Bearer \(accessToken)")]
            let withToken = try await system.request("/api/market/history?symbol=NOPE", headers: bearer)
            #expect(withToken.status == 404) // past authentication: the store has never seen NOPE
            let limited = try await system.request("/openapi.json", headers: [("X-API-Key", key)])
            #expect(limited.status == 200)
            #expect(limited.headers.first(name: "RateLimit-Policy") == #""minute";q=30;w=60, "day";q=1000;w=86400"#)
            #expect(limited.headers.first(name: "X-RateLimit-Limit") == "30")
            #expect(limited.body.contains("\"securitySchemes\""))

            // The CLI, through store-svc's socket.
            let environment = ["DATA_DIR": system.directory.file("data")]
            let listed = try await runTool("cryptodt-admin", ["keys", "list", "--json"], environment: environment,
                                           log: system.directory.file("keys-list.log"))
            #expect(listed.status == 0, "\(listed.output)")
            #expect(listed.output.contains(id))
            #expect(!listed.output.contains(key))
            let revoked = try await runTool("cryptodt-admin", ["keys", "revoke", id], environment: environment,
                                            log: system.directory.file("keys-revoke.log"))
            #expect(revoked.status == 0, "\(revoked.output)")
            #expect(await Eventually.wait(timeout: .seconds(10), interval: .milliseconds(250)) {
                (try? await system.request("/api/market/history?symbol=NOPE", headers: bearer))?.status == 401
            })
            let byKey = try await system.request("/openapi.json", headers: [("X-API-Key", key)])
            #expect(byKey.status == 401)

            // The audit reached store-svc: the key's requests (token exchange, two routes, the refusals).
            let store = RPCClient.patient(.unix(path: system.directory.file("data") + "/run/store.sock"))
            defer { store.close() }
            #expect(await Eventually.wait(timeout: .seconds(10), interval: .milliseconds(200)) {
                let count = (try? await store.call(Contracts.Store.UserRequestCount.self, .init(keyID: id, since: started)))?.count ?? 0
                return count >= 3
            })
            let anonymousCount = try await store.call(Contracts.Store.UserRequestCount.self, .init(keyID: nil, since: started)).count
            #expect(anonymousCount >= 1)

            // The development signing secret, generated once with mode 0600.
            let secret = system.directory.file("data") + "/jwt-secret"
            let mode = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("ENVIRONMENT=production without JWT_SECRET: the gateway refuses to start")
    func productionNeedsSecret() async throws {
        let directory = try TemporaryDirectory(prefix: "prod")
        defer { directory.remove() }
        let gateway = try ServiceProcess(executable: BuiltProducts.path("gateway"),
                                         environment: ["ENVIRONMENT": "production", "DATA_DIR": directory.file("data"),
                                                       "PORT": String(try FreePort.next())],
                                         logPath: directory.file("gateway.log"))
        let status = await gateway.waitForExit(timeout: .seconds(20))
        #expect(status == 78)
        #expect(gateway.output().contains("JWT_SECRET"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("data") + "/jwt-secret"))
    }
}
