import AccessKeys
import Contracts
import CryptoModels
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Resolves who is calling, enforces scopes and limits, adds the rate-limit headers and records the request.
///
/// For every request: credentials in the query string are refused; `X-API-Key` is checked against the key store
/// (cached ≤ 30 s) and `Authorization: Bearer` as a JWT whose key must still be active; without credentials the
/// caller is anonymous by client address. Failed authentication is `401 unauthorized` and is charged to the
/// client address's anonymous limits (so guessing keys is rate limited). A protected route answers 401 to
/// anonymous callers and `403 insufficient-scope` to identities without its scope. Then the tier's limits apply
/// (`429 quota-exceeded` with `Retry-After`; refused requests are not charged), the identity is stored in
/// ``GatewayContext/identity``, and the route runs. Health routes and CORS preflights are neither authenticated
/// nor counted. Every request is audited off the request path. Keys and tokens are never logged.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let security: GatewaySecurity
    /// Maps thrown errors to responses exactly as the edge does, so the audit sees the final status.
    let edge: EdgeMiddleware

    /// Query parameters that would carry credentials; refused.
    static let credentialParameters: Set<String> = ["api_key", "apikey", "api-key", "key", "x-api-key", "token",
                                                    "access_token", "jwt", "auth", "authorization"]

    func handle(_ request: Request, context: GatewayContext,
                next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return try await next(request, context)
        }
        let started = ContinuousClock.now
        var context = context
        if security.configuration.trustForwardedFor, let forwarded = request.headers[.xForwardedFor],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            context.identity = .anonymous(ip: String(last.prefix(64)))
        }
        let template = context.endpointPath
        let access = security.policy.access(method: request.method, template: template)
        var decision: RateDecision?
        var response: Response
        do {
            if access != .uncounted {
                context.identity = try await authenticate(request, context: context)
                if case .requires(let scope) = access { try authorize(context.identity, scope: scope) }
                try checkRequestSize(request, identity: context.identity)
                decision = security.limiter.acquire(context.identity.limitKey, limits: security.limits(for: context.identity.tier))
                if let decision, !decision.allowed {
                    throw RateLimitHeaders.problem(decision, tier: context.identity.tier)
                }
            }
            response = try await next(request, context)
        } catch {
            response = edge.problem(for: error, request: request, context: context).response(requestID: context.requestID)
        }
        if let decision, decision.allowed {
            RateLimitHeaders.apply(decision, policy: security.policyHeaders[context.identity.tier.ordinal], to: &response.headers)
        }
        audit(request, context: context, response: response, started: started)
        return response
    }

    /// The caller's identity from its credentials; anonymous without any.
    /// `nonisolated(nonsending)`: runs on the caller's executor, so the cached (common) path never hops threads.
    nonisolated(nonsending) func authenticate(_ request: Request, context: GatewayContext) async throws -> Identity {
        if let query = request.uri.query, !query.isEmpty, let name = Self.credentialParameter(in: query) {
            throw refuse("credentials are not accepted in the query string ('\(name.prefix(20))'); send X-API-Key or Authorization: Bearer",
                         context: context)
        }
        let keyHeader = request.headers[.apiKey]
        let authorization = request.headers[.authorization]
        switch (keyHeader, authorization) {
        case (nil, nil):
            return context.identity
        case (.some, .some):
            throw refuse("send one credential: X-API-Key or Authorization, not both", context: context)
        case (let text?, nil):
            guard let key = APIKey(presented: Self.trimmed(text)) else {
                throw refuse("the API key is malformed", context: context)
            }
            let found: KeyCache.Found?
            do {
                found = try await security.keys.authenticate(key, requestID: context.requestID)
            } catch let error as BackendError {
                throw Self.unavailable(error)
            }
            guard let found else {
                throw refuse("the API key is unknown or revoked", context: context)
            }
            return identity(of: found.record, scopes: found.scopes)
        case (nil, let header?):
            guard let token = Self.bearerToken(header) else {
                throw refuse("use Authorization: Bearer <token> (or X-API-Key)", context: context)
            }
            let verified: JWTAuthority.Verified
            do {
                verified = try await security.tokens.verifiedToken(token)
            } catch {
                throw refuse(error.reason, context: context, tokenError: true)
            }
            let subject = verified.claims.sub.value
            var found: KeyCache.Found?
            if AccessKeys.APIKey.isValidID(subject) {
                do {
                    found = try await security.keys.entry(id: subject, requestID: context.requestID)
                } catch let error as BackendError {
                    throw Self.unavailable(error)
                }
            }
            guard let found, found.record.isActive else {
                throw refuse("the token's API key is unknown or revoked", context: context, tokenError: true)
            }
            // The token's scopes, narrowed to what the key still grants (usually all of them: no new set).
            let granted = verified.scopes.isSubset(of: found.scopes) ? verified.scopes : verified.scopes.intersection(found.scopes)
            return identity(of: found.record, scopes: granted)
        }
    }

    /// The token of an `Authorization: Bearer <token>` value (scheme case-insensitive, spaces around the token
    /// ignored), or nil for another scheme or an empty token.
    static func bearerToken(_ header: String) -> String? {
        let utf8 = header.utf8
        guard let start = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        let scheme = utf8[start...].prefix { $0 != 0x20 }
        guard scheme.count == 6, zip(scheme, "bearer".utf8).allSatisfy({ ($0 | 0x20) == $1 }) else { return nil }
        let token = trimmed(String(Substring(utf8[scheme.endIndex...])))
        return token.isEmpty ? nil : token
    }

    /// An identity for an active key record.
    func identity(of record: APIKeyRecord, scopes: Set<String>) -> Identity {
        Identity(subject: .key(id: record.id), tier: Tier(rawValue: record.tier) ?? .free, scopes: scopes)
    }

    /// The first query parameter whose (percent-decoded, lower-cased) name would carry a credential.
    /// Scans bytes without allocating unless a name is percent-encoded (rare). A first pass over the contiguous
    /// bytes settles the common case (no name of a credential's length and first letter, none encoded) with no
    /// generic index arithmetic; anything else takes the exact scan.
    static func credentialParameter(in query: String) -> String? {
        let candidate = query.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var start = 0
            while start < bytes.count {
                var end = start
                var encoded = false
                while end < bytes.count, bytes[end] != 0x3D, bytes[end] != 0x26 { // = &
                    if bytes[end] == 0x25 { encoded = true } // %
                    end += 1
                }
                let length = end - start
                if encoded || (length <= credentialNameMaxLength && length > 0
                    && credentialShapes[length] & (1 << UInt64((bytes[start] | 0x20) & 63)) != 0) {
                    return true
                }
                while end < bytes.count, bytes[end] != 0x26 { end += 1 }
                start = end + 1
            }
            return false
        }
        if candidate == false { return nil }
        return exactCredentialParameter(in: query)
    }

    /// For each name length, a bit per first letter (lower-cased, modulo 64) that some credential name has.
    static let credentialShapes: [UInt64] = {
        var shapes = [UInt64](repeating: 0, count: credentialNameMaxLength + 1)
        for name in credentialParameters { shapes[name.utf8.count] |= 1 << UInt64(name.utf8.first! & 63) }
        return shapes
    }()

    /// ``credentialParameter(in:)`` without the first pass.
    static func exactCredentialParameter(in query: String) -> String? {
        let utf8 = query.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: 0x26) ?? utf8.endIndex // &
            let rawName = utf8[start..<end].prefix { $0 != 0x3D } // =
            if rawName.count <= 32, !rawName.isEmpty {
                if rawName.contains(0x25) { // %: decode properly
                    let text = String(Substring(rawName))
                    let name = (text.removingPercentEncoding ?? text).lowercased()
                    if credentialParameters.contains(name) { return name }
                } else if rawName.count <= credentialNameMaxLength,
                          let name = credentialNames.first(where: { name in
                              name.utf8.count == rawName.count
                                  && zip(name.utf8, rawName).allSatisfy { $0 == ($1 >= 0x41 && $1 <= 0x5A ? $1 | 0x20 : $1) }
                          }) {
                    return name
                }
            }
            guard end < utf8.endIndex else { break }
            start = utf8.index(after: end)
        }
        return nil
    }

    /// ``credentialParameters`` as an array, for the byte comparison.
    static let credentialNames = Array(credentialParameters)
    /// The longest credential parameter name.
    static let credentialNameMaxLength = credentialParameters.map(\.utf8.count).max() ?? 0

    /// The raw (still percent-encoded) value of a query parameter.
    /// Scans bytes, not characters: it runs on every limited request.
    static func parameter(_ name: String, in query: String) -> Substring? {
        let utf8 = query.utf8
        let nameBytes = name.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: 0x26) ?? utf8.endIndex // &
            let pair = utf8[start..<end]
            if pair.starts(with: nameBytes) {
                let equals = utf8.index(start, offsetBy: nameBytes.count)
                if equals < end, utf8[equals] == 0x3D { // =
                    return Substring(utf8[utf8.index(after: equals)..<end])
                }
            }
            guard end < utf8.endIndex else { break }
            start = utf8.index(after: end)
        }
        return nil
    }

    /// What ``symbolsScan(_:)`` found.
    enum SymbolsScan: Equatable {
        /// No `symbols` parameter.
        case absent
        /// The first `symbols` parameter has this many items (as ``itemCount(_:)`` counts them).
        case count(Int)
        /// The first `symbols` parameter is percent-encoded: decode it.
        case encoded
    }

    /// The first `symbols=` parameter of a query's bytes and its item count, in one pass over contiguous bytes
    /// (``parameter(_:in:)`` and ``itemCount(_:)`` with no generic index arithmetic).
    static func symbolsScan(_ bytes: UnsafeBufferPointer<UInt8>) -> SymbolsScan {
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x26 { end += 1 } // &
            if end - start >= 8, bytes[start] == 0x73, bytes[start + 1] == 0x79, bytes[start + 2] == 0x6D, // s y m
               bytes[start + 3] == 0x62, bytes[start + 4] == 0x6F, bytes[start + 5] == 0x6C, // b o l
               bytes[start + 6] == 0x73, bytes[start + 7] == 0x3D { // s =
                var count = 0
                var filled = false
                for index in (start + 8)..<end {
                    let byte = bytes[index]
                    if byte == 0x25 { return .encoded } // %
                    if byte == 0x2C { // ,
                        if filled { count += 1 }
                        filled = false
                    } else if byte != 0x20 && byte != 0x2B { // space, +
                        filled = true
                    }
                }
                return .count(filled ? count + 1 : count)
            }
            start = end + 1
        }
        return .absent
    }

    /// The number of comma-separated items with something other than spaces or `+` in them.
    static func itemCount(_ list: Substring) -> Int {
        var count = 0
        var filled = false
        for byte in list.utf8 {
            if byte == 0x2C { // ,
                if filled { count += 1 }
                filled = false
            } else if byte != 0x20 && byte != 0x2B { // space, +
                filled = true
            }
        }
        return filled ? count + 1 : count
    }

    /// An unreachable key store is a 503 naming store-svc (fail closed).
    static func unavailable(_ error: BackendError) -> Problem {
        Problem.serviceUnavailable(error.service, reason: "API keys cannot be checked right now")
    }

    /// A header value without surrounding spaces or tabs (cheaper than Foundation's trimming on the hot path).
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }),
              let last = utf8.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        if first == utf8.startIndex, utf8.index(after: last) == utf8.endIndex { return text } // nothing to trim: no copy
        return String(text[first...last])
    }

    /// Throws 401 or 403 when `identity` lacks `scope`.
    func authorize(_ identity: Identity, scope: String) throws {
        guard identity.keyID != nil else {
            throw Problem(type: "unauthorized", title: "Unauthorized", status: .unauthorized,
                          detail: "this route needs an API key (X-API-Key) or a token (Authorization: Bearer) with the '\(scope)' scope",
                          extensions: ["required_scope": .string(scope)],
                          headers: [.wwwAuthenticate: "Bearer realm=\"cryptodt\", scope=\"\(scope)\""])
        }
        guard identity.has(scope: scope) else {
            throw Problem(type: "insufficient-scope", title: "Insufficient scope", status: .forbidden,
                          detail: "this route needs the '\(scope)' scope, which the credential does not grant",
                          extensions: ["required_scope": .string(scope)],
                          headers: [.wwwAuthenticate: "Bearer realm=\"cryptodt\", error=\"insufficient_scope\", scope=\"\(scope)\""])
        }
    }

    /// Applies the tier's cap on symbols per call.
    func checkRequestSize(_ request: Request, identity: Identity) throws {
        guard let maxSymbols = security.limits(for: identity.tier).maxSymbols,
              let query = request.uri.query, query.utf8.count > 8 else { return }
        let count: Int
        switch query.utf8.withContiguousStorageIfAvailable(Self.symbolsScan) {
        case .absent?:
            return
        case .count(let items)?:
            count = items
        case .encoded?, nil: // %: rare, decode properly
            guard let list = Self.parameter("symbols", in: query) else { return }
            if list.utf8.contains(0x25) {
                count = String(list).removingPercentEncoding.map { Self.itemCount(Substring($0)) } ?? maxSymbols + 1
            } else {
                count = Self.itemCount(list)
            }
        }
        guard count <= maxSymbols else {
            throw Problem(type: "tier-limit", title: "Request too large for the tier", status: .contentTooLarge,
                          detail: "the \(identity.tier.rawValue) tier allows at most \(maxSymbols) symbols per call; this asks for \(count)",
                          extensions: ["parameter": "symbols", "limit": .number(Double(maxSymbols)), "tier": .string(identity.tier.rawValue)])
        }
    }

    /// The 401 for failed authentication, charged to the client address; a 429 once that address is over its limits.
    func refuse(_ reason: String, context: GatewayContext, tokenError: Bool = false) -> Problem {
        let address = context.identity
        if let decision = security.limiter.acquire(address.limitKey, limits: security.limits(for: .anonymous)),
           !decision.allowed {
            return RateLimitHeaders.problem(decision, tier: .anonymous)
        }
        let challenge = tokenError ? "Bearer realm=\"cryptodt\", error=\"invalid_token\"" : "Bearer realm=\"cryptodt\""
        return Problem(type: "unauthorized", title: "Unauthorized", status: .unauthorized, detail: reason,
                       headers: [.wwwAuthenticate: challenge])
    }

    /// Buffers the audit record and, at most once a minute per key, its `last_used_at`.
    func audit(_ request: Request, context: GatewayContext, response: Response, started: ContinuousClock.Instant) {
        guard let recorder = security.audit else { return }
        let elapsed = ContinuousClock.now - started
        let now = AuthClock.system.nanoseconds() / 1_000_000 // wall clock (not the injectable one), without Foundation
        recorder.record(UserRequestRecord(
            ts: now, keyID: context.identity.keyID, route: context.endpointPath ?? "NotFound", method: request.method.rawValue,
            status: Int(response.status.code),
            latencyUs: elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000,
            bytes: Int64(response.body.contentLength ?? 0)))
        if let id = context.identity.keyID, security.keys.touchDue(id: id) { recorder.touch(keyID: id, at: now) }
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    /// `Access-Control-Request-Method` (marks a CORS preflight).
    static let accessControlRequestMethod = HTTPField.Name("Access-Control-Request-Method")!
}
