import Foundation
import JWTKit
import Synchronization

/// The claims of a gateway token: `sub` (key id), `tier`, `scope` (space-separated), `iat`, `nbf`, `exp`, `iss`,
/// `aud`, `jti`.
public struct TokenClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var tier: String
    public var scope: String
    public var iat: IssuedAtClaim
    public var nbf: NotBeforeClaim?
    public var exp: ExpirationClaim
    public var iss: IssuerClaim
    public var aud: AudienceClaim
    public var jti: IDClaim?

    /// Time claims are checked by ``JWTAuthority`` against its own (injectable) clock, after the signature.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Why a token was refused; the text is safe to show (it never quotes the token).
public struct TokenRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason.
    public var reason: String
    public var description: String { reason }
}

/// Issues and verifies the gateway's JWTs with one configured algorithm.
///
/// HS256 with `JWT_SECRET` by default; `JWT_ALGORITHM=EdDSA` or `RS256` with `JWT_PRIVATE_KEY_FILE` (PEM) instead.
/// Verification refuses a token unless its header names exactly the configured algorithm (so `alg: none` and
/// HS/RS confusion fail before any key is used), the signature verifies, `iss` and `aud` are ours, `nbf` and
/// `iat` are not in the future and `exp` is not past (30 s leeway for clock skew between hosts).
public final class JWTAuthority: Sendable {
    /// A signing configuration.
    public enum Algorithm: Sendable {
        /// HMAC-SHA256 with a shared secret.
        case hs256(secret: [UInt8])
        /// Ed25519 with a private key.
        case eddsa(EdDSA.PrivateKey)
        /// RSASSA-PKCS1-v1_5 SHA-256 with a private key.
        case rs256(Insecure.RSA.PrivateKey)

        /// The JOSE `alg` name.
        public var name: String {
            switch self {
            case .hs256: "HS256"
            case .eddsa: "EdDSA"
            case .rs256: "RS256"
            }
        }
    }

    /// The configured algorithm's `alg` name.
    public let algorithmName: String
    let algorithm: Algorithm
    let collection = JWTKeyCollection()
    /// Whether the key has been added to `collection` (done on first use: the collection is an actor).
    private let configured = Mutex(false)
    let issuer: String
    let audience: String
    let clock: AuthClock
    /// Allowed clock skew for `nbf`, `iat` and `exp`, seconds.
    let leeway: Int64 = 30
    /// The longest token accepted, bytes (anything larger is malformed).
    static let maxTokenLength = 4_096
    /// Tokens whose signature and claims verified, with their claims: a repeated token skips the signature check
    /// and JSON decoding (its time claims are checked again on every use). At most `verifiedCapacity` entries.
    private let verified = Mutex<[String: Verified]>([:])
    let verifiedCapacity = 4_096

    /// Creates an authority.
    public init(algorithm: Algorithm, issuer: String, audience: String, clock: AuthClock = .system) {
        self.algorithm = algorithm
        self.algorithmName = algorithm.name
        self.issuer = issuer
        self.audience = audience
        self.clock = clock
    }

    /// The key collection with the configured key added.
    var keys: JWTKeyCollection {
        get async {
            if !configured.withLock({ $0 }) {
                switch algorithm {
                case .hs256(let secret): await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
                case .eddsa(let key): await collection.add(eddsa: key)
                case .rs256(let key): await collection.add(rsa: key, digestAlgorithm: .sha256)
                }
                configured.withLock { $0 = true }
            }
            return collection
        }
    }

    /// Signs a token for a key.
    public func issue(keyID: String, tier: Tier, scopes: [String], ttl: Int) async throws -> (token: String, claims: TokenClaims) {
        let now = clock.seconds
        let claims = TokenClaims(
            sub: .init(value: keyID), tier: tier.rawValue, scope: scopes.sorted().joined(separator: " "),
            iat: .init(value: Date(timeIntervalSince1970: TimeInterval(now))),
            nbf: .init(value: Date(timeIntervalSince1970: TimeInterval(now))),
            exp: .init(value: Date(timeIntervalSince1970: TimeInterval(now + Int64(ttl)))),
            iss: .init(value: issuer), aud: .init(value: [audience]),
            jti: .init(value: UUID().uuidString.lowercased()))
        let token = try await keys.sign(claims)
        return (token, claims)
    }

    /// A verified token's claims with what every request using it needs, computed once per token.
    public struct Verified: Sendable {
        /// The claims.
        public let claims: TokenClaims
        /// The `scope` claim as a set.
        public let scopes: Set<String>
        /// `exp`, `nbf` (or `Int64.min`) and `iat` in epoch seconds.
        let expires: Int64, notBefore: Int64, issuedAt: Int64

        init(_ claims: TokenClaims) {
            self.claims = claims
            self.scopes = Set(claims.scope.split(separator: " ").map(String.init))
            self.expires = Int64(claims.exp.value.timeIntervalSince1970)
            self.notBefore = claims.nbf.map { Int64($0.value.timeIntervalSince1970) } ?? .min
            self.issuedAt = Int64(claims.iat.value.timeIntervalSince1970)
        }
    }

    /// The verified claims of a token, or a ``TokenRejection``.
    nonisolated(nonsending) public func verify(_ token: String) async throws(TokenRejection) -> TokenClaims {
        try await verifiedToken(token).claims
    }

    /// The verified claims of a token with its scope set, or a ``TokenRejection``. A token seen before skips the
    /// signature check and decoding; its time claims are checked again on every use.
    nonisolated(nonsending) public func verifiedToken(_ token: String) async throws(TokenRejection) -> Verified {
        guard token.utf8.count <= Self.maxTokenLength else { throw TokenRejection(reason: "the token is too long") }
        if let cached = verified.withLock({ $0[token] }) {
            try checkTimes(cached)
            return cached
        }
        let entry = Verified(try await verifyFully(token))
        verified.withLock { cache in
            if cache.count >= verifiedCapacity {
                let now = clock.seconds
                cache = cache.filter { $0.value.expires + leeway > now }
                if cache.count >= verifiedCapacity { cache.removeAll(keepingCapacity: true) }
            }
            cache[token] = entry
        }
        return entry
    }

    /// Header, signature and every claim of a token not seen before.
    func verifyFully(_ token: String) async throws(TokenRejection) -> TokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(Self.isBase64URL) }) else {
            throw TokenRejection(reason: "the token is not a signed JWT (header.payload.signature)")
        }
        guard let headerData = Self.base64URLDecode(parts[0]),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw TokenRejection(reason: "the token header is not valid JSON")
        }
        guard let alg = header["alg"] as? String, alg == algorithmName else {
            throw TokenRejection(reason: "the token must be signed with \(algorithmName)")
        }
        if let typ = header["typ"] as? String, typ.uppercased() != "JWT" {
            throw TokenRejection(reason: "the token type must be JWT")
        }
        guard header["crit"] == nil else { throw TokenRejection(reason: "critical header parameters are not supported") }
        let claims: TokenClaims
        do {
            claims = try await keys.verify(token, as: TokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw TokenRejection(reason: "the token signature is invalid")
        } catch {
            throw TokenRejection(reason: "the token is invalid or lacks required claims")
        }
        guard claims.iss.value == issuer else { throw TokenRejection(reason: "the token was not issued by this gateway") }
        guard claims.aud.value.contains(audience) else { throw TokenRejection(reason: "the token is not meant for this API (aud)") }
        guard Tier(rawValue: claims.tier) != nil, claims.tier != Tier.anonymous.rawValue else {
            throw TokenRejection(reason: "the token names an unknown tier")
        }
        try checkTimes(claims)
        return claims
    }

    /// `exp`, `nbf` and `iat` against the clock, with the leeway.
    func checkTimes(_ claims: TokenClaims) throws(TokenRejection) { try checkTimes(Verified(claims)) }

    /// Checks `exp`, `nbf` and `iat` against the clock (with leeway).
    func checkTimes(_ token: Verified) throws(TokenRejection) {
        let now = clock.seconds
        guard token.expires + leeway > now else { throw TokenRejection(reason: "the token has expired") }
        if token.notBefore != .min, token.notBefore - leeway > now {
            throw TokenRejection(reason: "the token is not valid yet (nbf)")
        }
        guard token.issuedAt - leeway <= now else {
            throw TokenRejection(reason: "the token was issued in the future (iat)")
        }
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
