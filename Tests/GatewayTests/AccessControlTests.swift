import AccessKeys
import Contracts
import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// API keys, scopes and revocation through the real router.
@Suite("access control", .timeLimit(.minutes(1)))
struct AccessControlTests {
    static let history = "/api/prices/history/ZZT?days=1"

    @Test("a valid X-API-Key opens a protected route and sets the identity; unknown, wrong-secret and malformed keys → 401")
    func keys() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .free)
            try await client.execute(uri: Self.history, method: .get, headers: [.testAPIKey: key.value]) { response in
                #expect(response.status == .ok)
                #expect((response.json["data"] as? [String: Any])?["symbol"] as? String == "ZZT")
            }
            let wrongSecret = String(key.value.dropLast()) + (key.value.hasSuffix("A") ? "B" : "A")
            for presented in [wrongSecret, APIKey.generate().value, "short", String(repeating: "x", count: 300), "cdt_ with space"] {
                try await client.execute(uri: Self.history, method: .get, headers: [.testAPIKey: presented]) { response in
                    #expect(response.status == .unauthorized, "\(presented.prefix(20))")
                    #expect(response.problemType == "unauthorized")
                }
            }
        }
    }

    @Test("anonymous on a protected route → 401; a key without the scope → 403 insufficient-scope; public routes need nothing")
    func scopes() async throws {
        try await AuthHarness.with { client, harness in
            let historyOnly = harness.store.add(tier: .free, scopes: ["history:read"])
            try await client.execute(uri: Self.history, method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.problemType == "unauthorized")
                #expect(response.json["required_scope"] as? String == "history:read")
            }
            let body = ByteBuffer(string: #"{"text":"BTC rallies"}"#)
            try await client.execute(uri: "/api/sentiment/analyze", method: .post, headers: [.testAPIKey: historyOnly.value], body: body) { response in
                #expect(response.status == .forbidden)
                #expect(response.problemType == "insufficient-scope")
                #expect(response.json["required_scope"] as? String == "sentiment:analyze")
            }
            try await client.execute(uri: "/api/keys", method: .get, headers: [.testAPIKey: historyOnly.value]) { response in
                #expect(response.status == .forbidden)
            }
            // Diagnostics routes (added by other areas) are covered by prefix.
            #expect(AccessPolicy.standard.access(method: .get, template: "/api/diagnostics/providers") == .requires(scope: "diagnostics:read"))
            #expect(AccessPolicy.standard.access(method: .get, template: "/api/prices") == .limited)
            #expect(AccessPolicy.standard.access(method: .get, template: "/api/sentiment") == .limited)
            #expect(AccessPolicy.standard.access(method: .post, template: "/api/sentiment/analyze") == .requires(scope: "sentiment:analyze"))
            try await client.execute(uri: "/docs", method: .get) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/api/health", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test("keys and tokens in the query string are refused, even on public routes")
    func queryCredentials() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .admin)
            for query in ["api_key=\(key.value)", "apikey=\(key.value)", "token=abc", "access_token=abc", "key=\(key.value)"] {
                try await client.execute(uri: "/docs?\(query)", method: .get) { response in
                    #expect(response.status == .unauthorized, "\(query.prefix(12))")
                    #expect(response.problemType == "unauthorized")
                }
            }
        }
    }

    @Test("a key revoked in the store stops working — key and its tokens — within the 30 s cache time; a DELETE through the gateway at once")
    func revocation() async throws {
        try await AuthHarness.with { client, harness in
            let admin = harness.store.add(tier: .admin)
            let key = harness.store.add(tier: .pro)
            let (token, _) = try await harness.security.tokens.issue(keyID: key.id, tier: .pro, scopes: ["history:read"], ttl: 3_600)
            func statuses() async throws -> [Int] {
                let byKey = try await client.execute(uri: Self.history, method: .get, headers: [.testAPIKey: key.value]) { Int($0.status.code) }
                let byToken = try await client.execute(uri: Self.history, method: .get, headers: [.authorization: "Bearer \(token)"]) { Int($0.status.code) }
                return [byKey, byToken]
            }
            #expect(try await statuses() == [200, 200])
            // Revoked elsewhere (the CLI writes to store-svc directly): cached for at most 30 s.
            _ = try await harness.store.revoke(id: key.id, at: 1, requestID: nil)
            harness.clock.advance(seconds: 10)
            #expect(try await statuses() == [200, 200])
            harness.clock.advance(seconds: 21)
            #expect(try await statuses() == [401, 401])

            // Through the gateway: effective on the next request.
            let other = harness.store.add(tier: .pro)
            try await client.execute(uri: Self.history, method: .get, headers: [.testAPIKey: other.value]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/keys/\(other.id)", method: .delete, headers: [.testAPIKey: admin.value]) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: Self.history, method: .get, headers: [.testAPIKey: other.value]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/keys/\(other.id)", method: .delete, headers: [.testAPIKey: admin.value]) { response in
                #expect(response.status == .notFound)
                #expect(response.problemType == "unknown-key")
            }
        }
    }

    @Test("key look-ups are cached: 50 requests with one key ask the store once")
    func cached() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .enterprise)
            for _ in 0..<50 {
                try await client.execute(uri: "/docs", method: .get, headers: [.testAPIKey: key.value]) { #expect($0.status == .ok) }
            }
            #expect(harness.store.findCount == 1)
        }
    }

    @Test("key administration: create (shown once), list without values or hashes, the new key works, token exchange rules")
    func administration() async throws {
        try await AuthHarness.with { client, harness in
            let admin = harness.store.add(tier: .admin)
            let created = try await client.execute(uri: "/api/keys", method: .post, headers: [.testAPIKey: admin.value],
                                                   body: ByteBuffer(string: #"{"tier":"free","scopes":["history:read"],"name":"ci"}"#)) { response in
                #expect(response.status == .created)
                return response.json["data"] as? [String: Any] ?? [:]
            }
            let value = try #require(created["key"] as? String)
            let id = try #require(created["id"] as? String)
            #expect(value.hasPrefix("cdt_\(id)_"))
            #expect(value.utf8.count == 47)
            #expect(created["scopes"] as? [String] == ["history:read"])
            try await client.execute(uri: "/api/keys", method: .get, headers: [.testAPIKey: admin.value]) { response in
                let text = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(!text.contains(value))
                #expect(!text.contains("sha256:"))
                #expect((response.json["data"] as? [[String: Any]])?.count == 2)
            }
            try await client.execute(uri: Self.history, method: .get, headers: [.testAPIKey: value]) { #expect($0.status == .ok) }
            for (body, status) in [(#"{"tier":"root"}"#, 400), (#"{"scopes":["everything"]}"#, 400), ("not json", 400)] {
                try await client.execute(uri: "/api/keys", method: .post, headers: [.testAPIKey: admin.value], body: ByteBuffer(string: body)) { response in
                    #expect(Int(response.status.code) == status, "\(body)")
                }
            }
            // Token exchange: needs X-API-Key; lifetime capped; scopes only a subset of the key's.
            let (token, _) = try await harness.security.tokens.issue(keyID: admin.id, tier: .admin, scopes: ["keys:admin"], ttl: 600)
            try await client.execute(uri: "/api/auth/token", method: .post, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/auth/token", method: .post) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/auth/token", method: .post, headers: [.testAPIKey: value],
                                     body: ByteBuffer(string: #"{"ttl_s": 999999}"#)) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/auth/token", method: .post, headers: [.testAPIKey: value],
                                     body: ByteBuffer(string: #"{"scopes": ["keys:admin"]}"#)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/auth/token", method: .post, headers: [.testAPIKey: value],
                                     body: ByteBuffer(string: #"{"ttl_s": 120}"#)) { response in
                #expect(response.status == .ok)
                #expect((response.json["data"] as? [String: Any])?["expires_in"] as? Int == 120)
            }
        }
    }
}
