import Contracts
import CryptoModels
import Foundation
import GRDB

/// API key records (the gateway hashes keys; only the prefix and the hash are stored).
extension SQLiteHistoryStore {
    /// Implements `HistoryStore.createAPIKey` (see the protocol for the contract).
    public func createAPIKey(_ key: APIKeyRecord) async throws {
        try Self.require(key.id, "key id")
        try Self.require(key.prefix, "key prefix")
        try Self.require(key.hash, "key hash")
        try Self.require(key.tier, "key tier")
        let scopes = try Self.jsonText(key.scopes)
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM api_keys WHERE id = ? OR prefix = ?)",
                                 arguments: [key.id, key.prefix]) ?? false {
                throw StoreError.duplicate("an API key with id \(key.id) or prefix \(key.prefix) exists")
            }
            try db.execute(sql: """
                INSERT INTO api_keys (id, prefix, hash, tier, scopes, name, created_at, revoked_at, last_used_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key.id, key.prefix, key.hash, key.tier, scopes, key.name, key.createdAt,
                                 key.revokedAt, key.lastUsedAt])
        }
    }

    /// Implements `HistoryStore.listAPIKeys` (see the protocol for the contract).
    public func listAPIKeys(includeRevoked: Bool) async throws -> [APIKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM api_keys \(includeRevoked ? "" : "WHERE revoked_at IS NULL") ORDER BY created_at, id
                """).map(Self.apiKey)
        }
    }

    /// Implements `HistoryStore.findAPIKey` (see the protocol for the contract).
    public func findAPIKey(prefix: String) async throws -> APIKeyRecord? {
        try Self.require(prefix, "key prefix")
        return try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE prefix = ?", arguments: [prefix]).map(Self.apiKey)
        }
    }

    /// Implements `HistoryStore.revokeAPIKey` (see the protocol for the contract).
    public func revokeAPIKey(id: String, at: EpochMillis) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [at, id])
            return db.changesCount > 0
        }
    }

    /// Implements `HistoryStore.touchAPIKey` (see the protocol for the contract).
    public func touchAPIKey(id: String, at: EpochMillis) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, ?), ?) WHERE id = ?
                """, arguments: [at, at, id])
            return db.changesCount > 0
        }
    }

    /// Maps an `api_keys` row.
    static func apiKey(_ row: Row) throws -> APIKeyRecord {
        APIKeyRecord(id: row["id"], prefix: row["prefix"], hash: row["hash"], tier: row["tier"],
                     scopes: try decodeJSON([String].self, row["scopes"], table: "api_keys", column: "scopes"),
                     name: row["name"], createdAt: row["created_at"], revokedAt: row["revoked_at"],
                     lastUsedAt: row["last_used_at"])
    }
}
