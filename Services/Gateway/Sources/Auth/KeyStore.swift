import Contracts
import CryptoModels
import RPC

/// Where API keys are kept: store-svc in production, an in-memory store in tests.
public protocol KeyStore: Sendable {
    /// The key with a prefix, revoked or not.
    func find(prefix: String, requestID: String?) async throws -> APIKeyRecord?
    /// Stores a new key; a duplicate id or prefix is an error.
    func create(_ record: APIKeyRecord, requestID: String?) async throws
    /// Every key, oldest first.
    func list(includeRevoked: Bool, requestID: String?) async throws -> [APIKeyRecord]
    /// Revokes an active key; false when no active key has that id.
    func revoke(id: String, at: EpochMillis, requestID: String?) async throws -> Bool
    /// Notes that a key was used.
    func touch(id: String, at: EpochMillis) async throws
}

/// The production key store: store-svc's `store.keys.*` methods.
public struct RPCKeyStore: KeyStore {
    let backends: Backends

    /// Creates the store over the backend clients.
    public init(backends: Backends) { self.backends = backends }

    public func find(prefix: String, requestID: String?) async throws -> APIKeyRecord? {
        try await backends.call(.store, Store.FindKey.self, .init(prefix: prefix), requestID: requestID ?? "-", timeout: .seconds(2)).key
    }

    public func create(_ record: APIKeyRecord, requestID: String?) async throws {
        _ = try await backends.call(.store, Store.CreateKey.self, .init(key: record), requestID: requestID ?? "-")
    }

    public func list(includeRevoked: Bool, requestID: String?) async throws -> [APIKeyRecord] {
        try await backends.call(.store, Store.ListKeys.self, .init(includeRevoked: includeRevoked), requestID: requestID ?? "-").keys
    }

    public func revoke(id: String, at: EpochMillis, requestID: String?) async throws -> Bool {
        try await backends.call(.store, Store.RevokeKey.self, .init(id: id, at: at), requestID: requestID ?? "-").updated
    }

    public func touch(id: String, at: EpochMillis) async throws {
        _ = try await backends.call(.store, Store.TouchKey.self, .init(id: id, at: at), requestID: "-")
    }
}
