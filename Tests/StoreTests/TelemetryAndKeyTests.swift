import Contracts
import CryptoModels
import Foundation
import Testing
@testable import Store

/// Provider calls and health, gateway requests, API keys.
@Suite struct TelemetryAndKeyTests {
    @Test func apiCallsUpdateProviderStatus() async throws {
        try await withStore { store, _ async throws in
            let calls = [
                APICallRecord(provider: "binance", endpoint: "/api/v3/klines", status: 200, latencyMs: 84, ts: 1_000),
                APICallRecord(provider: "binance", endpoint: "/api/v3/klines", status: 429, latencyMs: 12, ts: 2_000),
                APICallRecord(provider: "coingecko", endpoint: "/simple/price", status: nil, latencyMs: 10_000, ts: 1_500,
                              error: "timed out after 10 s"),
                APICallRecord(provider: "binance", endpoint: "/api/v3/ticker/price", status: 200, latencyMs: 40, ts: 3_000),
                // An older failure arriving late does not replace the newer error text.
                APICallRecord(provider: "coingecko", endpoint: "/simple/price", status: 500, latencyMs: 300, ts: 1_200),
            ]
            #expect(try await store.recordAPICalls(calls) == 5)
            let statuses = try await store.providerStatuses()
            #expect(statuses == [
                ProviderStatus(name: "binance", lastOkAt: 3_000, lastErrorAt: 2_000, lastError: "HTTP 429", okCount: 2, errorCount: 1),
                ProviderStatus(name: "coingecko", lastOkAt: nil, lastErrorAt: 1_500, lastError: "timed out after 10 s",
                               okCount: 0, errorCount: 2),
            ])
            #expect(try await store.stats().tables.first { $0.table == "api_calls" } == TableStats(table: "api_calls", rows: 5, oldest: 1_000, newest: 3_000))
        }
    }

    @Test func userRequestsAreCountedPerKey() async throws {
        try await withStore { store, _ async throws in
            let requests = [
                UserRequestRecord(ts: 1_000, keyID: "key-1", route: "/api/ohlcv", method: "GET", status: 200, latencyUs: 850, bytes: 12_400),
                UserRequestRecord(ts: 2_000, keyID: "key-1", route: "/api/prices", method: "GET", status: 429, latencyUs: 40, bytes: 310),
                UserRequestRecord(ts: 2_500, keyID: nil, route: "/api/prices", method: "GET", status: 200, latencyUs: 500, bytes: 900),
                UserRequestRecord(ts: 3_000, keyID: "key-2", route: "/api/news", method: "GET", status: 200, latencyUs: 1_200, bytes: 8_000),
            ]
            #expect(try await store.recordUserRequests(requests) == 4)
            #expect(try await store.userRequestCount(keyID: "key-1", since: 0) == 2)
            #expect(try await store.userRequestCount(keyID: "key-1", since: 1_001) == 1)
            #expect(try await store.userRequestCount(keyID: nil, since: 0) == 1)
            #expect(try await store.userRequestCount(keyID: "key-3", since: 0) == 0)
        }
    }

    @Test func apiKeyLifecycle() async throws {
        try await withStore { store, _ async throws in
            let key = APIKeyRecord(id: "k1", prefix: "cdt_3f9a", hash: "sha256:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7",
                                   tier: "pro", scopes: ["market:read", "news:read"], name: "ci", createdAt: 1_000)
            try await store.createAPIKey(key)
            await #expect(throws: StoreError.self) { try await store.createAPIKey(key) }
            var samePrefix = key
            samePrefix.id = "k2"
            await #expect(throws: StoreError.self) { try await store.createAPIKey(samePrefix) }
            let other = APIKeyRecord(id: "k2", prefix: "cdt_77aa", hash: "sha256:00", tier: "free", scopes: [], createdAt: 2_000)
            try await store.createAPIKey(other)

            #expect(try await store.findAPIKey(prefix: "cdt_3f9a") == key)
            #expect(try await store.findAPIKey(prefix: "cdt_none") == nil)
            #expect(try await store.touchAPIKey(id: "k1", at: 5_000))
            #expect(try await store.touchAPIKey(id: "k1", at: 4_000)) // never moves back
            #expect(try await store.findAPIKey(prefix: "cdt_3f9a")?.lastUsedAt == 5_000)
            #expect(try await store.touchAPIKey(id: "nope", at: 1) == false)

            #expect(try await store.revokeAPIKey(id: "k2", at: 6_000))
            #expect(try await store.revokeAPIKey(id: "k2", at: 7_000) == false) // already revoked: first time kept
            #expect(try await store.listAPIKeys(includeRevoked: false).map(\.id) == ["k1"])
            let all = try await store.listAPIKeys(includeRevoked: true)
            #expect(all.map(\.id) == ["k1", "k2"])
            #expect(all[1].revokedAt == 6_000)
            #expect(all[1].isActive == false)
        }
    }
}
