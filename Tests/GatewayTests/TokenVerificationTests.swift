import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import JWTKit
import Testing

/// Every token path through the real router: valid → 200; expired, not yet valid, tampered, wrong audience or
/// issuer, `alg: none`, HS/RS confusion and malformed tokens → 401 `unauthorized`.
@Suite("JWT verification", .timeLimit(.minutes(1)))
struct TokenVerificationTests {
    /// Claims as an attacker (or a misconfigured issuer) would write them.
    struct RawClaims: JWTPayload {
        var sub: String
        var tier = "pro"
        var scope = "history:read sentiment:analyze"
        var iat: Int
        var nbf: Int?
        var exp: Int
        var iss = "cryptodt-gateway"
        var aud = "cryptodt-api"
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static let path = "/api/prices/history/ZZT?days=1"

    /// Signs raw claims with HS256 and `secret`.
    static func hs256(_ claims: RawClaims, secret: [UInt8] = AuthHarness.secret) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(claims)
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func get(_ client: any TestClientProtocol, token: String) async throws -> (Int, String?) {
        try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
            (Int(response.status.code), response.problemType)
        }
    }

    @Test("a valid token from POST /api/auth/token opens a protected route; the raw claims are sub, tier, scope, iat, nbf, exp, iss, aud")
    func valid() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .pro)
            let token = try await client.execute(uri: "/api/auth/token", method: .post, headers: [.testAPIKey: key.value]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "no-store")
                let data = response.json["data"] as? [String: Any]
                #expect(data?["token_type"] as? String == "Bearer")
                #expect(data?["expires_in"] as? Int == 86_400)
                #expect(data?["scope"] as? String == "history:read sentiment:analyze")
                return data?["access_token"] as? String ?? ""
            }
            let (status, _) = try await Self.get(client, token: token)
            #expect(status == 200)
            let claims = try await harness.security.tokens.verify(token)
            #expect(claims.sub.value == key.id)
            #expect(claims.tier == "pro")
            #expect(Int64(claims.exp.value.timeIntervalSince1970) == AuthHarness.start + 86_400)
            #expect(claims.iss.value == "cryptodt-gateway")
            #expect(claims.aud.value == ["cryptodt-api"])
        }
    }

    @Test("expired, not yet valid, issued in the future, wrong aud, wrong iss, tampered, foreign secret → 401")
    func refusedClaims() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .pro)
            let now = Int(AuthHarness.start)
            let good = RawClaims(sub: key.id, iat: now - 10, nbf: now - 10, exp: now + 3_600)
            let goodToken = try await Self.hs256(good)
            let (okStatus, _) = try await Self.get(client, token: goodToken)
            #expect(okStatus == 200)

            var expired = good; expired.iat = now - 7_200; expired.nbf = now - 7_200; expired.exp = now - 60
            var early = good; early.nbf = now + 3_600
            var future = good; future.iat = now + 3_600; future.nbf = nil
            var audience = good; audience.aud = "someone-else"
            var issuer = good; issuer.iss = "evil"
            var unknownTier = good; unknownTier.tier = "anonymous"
            let parts = goodToken.split(separator: ".").map(String.init)
            let tamperedPayload = Self.base64URL(#"{"sub":"\#(key.id)","tier":"admin","scope":"keys:admin","iat":\#(now),"exp":\#(now + 3600),"iss":"cryptodt-gateway","aud":"cryptodt-api"}"#)
            let cases: [(String, String)] = [
                ("expired", try await Self.hs256(expired)),
                ("not yet valid", try await Self.hs256(early)),
                ("issued in the future", try await Self.hs256(future)),
                ("wrong aud", try await Self.hs256(audience)),
                ("wrong iss", try await Self.hs256(issuer)),
                ("anonymous tier", try await Self.hs256(unknownTier)),
                ("foreign secret", try await Self.hs256(good, secret: Array("another-secret-of-thirty-two-bytes-or-more".utf8))),
                ("tampered payload", [parts[0], tamperedPayload, parts[2]].joined(separator: ".")),
                ("tampered signature", [parts[0], parts[1], String(parts[2].reversed())].joined(separator: ".")),
            ]
            for (name, token) in cases {
                let (status, type) = try await Self.get(client, token: token)
                #expect(status == 401, "\(name)")
                #expect(type == "unauthorized", "\(name)")
            }
        }
    }

    @Test("alg none, malformed tokens and other schemes → 401 with a Bearer challenge")
    func malformed() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .pro)
            let now = Int(AuthHarness.start)
            let payload = Self.base64URL(#"{"sub":"\#(key.id)","tier":"pro","scope":"history:read","iat":\#(now),"exp":\#(now + 3600),"iss":"cryptodt-gateway","aud":"cryptodt-api"}"#)
            let none = Self.base64URL(#"{"alg":"none","typ":"JWT"}"#)
            let noneUpper = Self.base64URL(#"{"alg":"NONE"}"#)
            let tokens = [
                "\(none).\(payload).", "\(none).\(payload).AAAA", "\(noneUpper).\(payload).AAAA",
                "abc", "a.b", "a.b.c.d", "\(payload)", "!!!.???.***", "e30.e30.e30",
                "\(Self.base64URL("not json")).\(payload).AAAA", String(repeating: "a", count: 5_000),
            ]
            for token in tokens {
                let (status, type) = try await Self.get(client, token: token)
                #expect(status == 401, "\(token.prefix(40))")
                #expect(type == "unauthorized")
            }
            for header in ["Basic dXNlcjpwYXNz", "Bearer", "Token abc", "bearer"] {
                try await client.execute(uri: Self.path, method: .get, headers: [.authorization: header]) { response in
                    #expect(response.status == .unauthorized, "\(header)")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer realm=") == true)
                }
            }
        }
    }

    @Test("HS/RS confusion: an RS256 gateway refuses HS256 tokens signed with its public key, and accepts its own RS256 tokens")
    func algorithmConfusion() async throws {
        let rsa = try Insecure.RSA.PrivateKey(pem: TestRSAKey.pem)
        try await AuthHarness.with(algorithm: .rs256(rsa)) { client, harness in
            let key = harness.store.add(tier: .pro)
            let now = Int(AuthHarness.start)
            let claims = RawClaims(sub: key.id, iat: now, nbf: now, exp: now + 600)
            let forged = try await Self.hs256(claims, secret: Array(rsa.publicKey.pemRepresentation.utf8))
            let (forgedStatus, _) = try await Self.get(client, token: forged)
            #expect(forgedStatus == 401)
            let (issued, _) = try await harness.security.tokens.issue(keyID: key.id, tier: .pro, scopes: ["history:read"], ttl: 600)
            #expect(String(decoding: Data(base64Encoded: String(issued.split(separator: ".")[0]) + "==") ?? Data(), as: UTF8.self).contains("RS256"))
            let (status, _) = try await Self.get(client, token: issued)
            #expect(status == 200)
        }
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .pro)
            let rsaIssuer = JWTAuthority(algorithm: .rs256(rsa), issuer: "cryptodt-gateway", audience: "cryptodt-api", clock: harness.clock.clock)
            let (token, _) = try await rsaIssuer.issue(keyID: key.id, tier: .pro, scopes: ["history:read"], ttl: 600)
            let (status, _) = try await Self.get(client, token: token)
            #expect(status == 401)
        }
    }

    @Test("EdDSA tokens verify on an EdDSA gateway")
    func eddsa() async throws {
        try await AuthHarness.with(algorithm: .eddsa(try EdDSA.PrivateKey())) { client, harness in
            let key = harness.store.add(tier: .free)
            let (token, _) = try await harness.security.tokens.issue(keyID: key.id, tier: .free, scopes: ["history:read"], ttl: 600)
            let (status, _) = try await Self.get(client, token: token)
            #expect(status == 200)
        }
    }
}
