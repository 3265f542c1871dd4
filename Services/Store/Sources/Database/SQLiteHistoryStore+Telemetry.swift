import Contracts
import CryptoModels
import Foundation
import GRDB

/// Provider calls, provider health and gateway requests.
extension SQLiteHistoryStore {
    /// Implements `HistoryStore.recordAPICalls` (see the protocol for the contract).
    public func recordAPICalls(_ calls: [APICallRecord]) async throws -> Int {
        for call in calls {
            try Self.require(call.provider, "provider")
            try Self.require(call.endpoint, "endpoint")
        }
        guard !calls.isEmpty else { return 0 }
        return try await pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO api_calls (provider, endpoint, status, latency_ms, ts, error) VALUES (?, ?, ?, ?, ?, ?)
                """)
            let success = try db.cachedStatement(sql: """
                INSERT INTO providers (name, last_ok_at, ok_count) VALUES (?, ?, 1)
                ON CONFLICT (name) DO UPDATE SET ok_count = ok_count + 1,
                  last_ok_at = max(coalesce(last_ok_at, excluded.last_ok_at), excluded.last_ok_at)
                """)
            let failure = try db.cachedStatement(sql: """
                INSERT INTO providers (name, last_error_at, last_error, error_count) VALUES (?, ?, ?, 1)
                ON CONFLICT (name) DO UPDATE SET error_count = error_count + 1,
                  last_error = CASE WHEN last_error_at IS NULL OR excluded.last_error_at >= last_error_at
                                    THEN excluded.last_error ELSE last_error END,
                  last_error_at = max(coalesce(last_error_at, excluded.last_error_at), excluded.last_error_at)
                """)
            for call in calls {
                try insert.execute(arguments: [call.provider, call.endpoint, call.status, call.latencyMs, call.ts, call.error])
                if call.isSuccess {
                    try success.execute(arguments: [call.provider, call.ts])
                } else {
                    let reason = call.error ?? call.status.map { "HTTP \($0)" } ?? "no response"
                    try failure.execute(arguments: [call.provider, call.ts, reason])
                }
            }
            return calls.count
        }
    }

    /// Implements `HistoryStore.providerStatuses` (see the protocol for the contract).
    public func providerStatuses() async throws -> [ProviderStatus] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT name, last_ok_at, last_error_at, last_error, ok_count, error_count FROM providers ORDER BY name
                """).map {
                ProviderStatus(name: $0["name"], lastOkAt: $0["last_ok_at"], lastErrorAt: $0["last_error_at"],
                               lastError: $0["last_error"], okCount: $0["ok_count"], errorCount: $0["error_count"])
            }
        }
    }

    /// Implements `HistoryStore.recordUserRequests` (see the protocol for the contract).
    public func recordUserRequests(_ requests: [UserRequestRecord]) async throws -> Int {
        for request in requests {
            try Self.require(request.route, "route")
            try Self.require(request.method, "method")
        }
        guard !requests.isEmpty else { return 0 }
        return try await pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO user_requests (ts, key_id, route, method, status, latency_us, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            try UserRequestInsert.run(insert, requests)
            return requests.count
        }
    }

    /// Implements `HistoryStore.userRequestCount` (see the protocol for the contract).
    public func userRequestCount(keyID: String?, since: EpochMillis) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM user_requests WHERE key_id IS ? AND ts >= ?",
                             arguments: [keyID, since]) ?? 0
        }
    }
}
