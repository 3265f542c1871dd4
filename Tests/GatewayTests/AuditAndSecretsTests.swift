import AccessKeys
import Contracts
import CryptoModels
import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServiceKit
import Testing
import TestSupport

/// The audit trail, secrets in logs, key format and the signing-secret bootstrap.
@Suite("audit and secrets", .timeLimit(.minutes(1)))
struct AuditAndSecretsTests {
    @Test("every request is audited with key id or anonymous, route template, method, status, latency and bytes")
    func audit() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .pro)
            try await client.execute(uri: "/api/prices/history/ZZT?days=1", method: .get, headers: [.testAPIKey: key.value]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/prices/history/ZZT?days=1", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/nope", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/health", method: .get) { #expect($0.status == .ok) }
            harness.security.audit?.flush()
            let records = harness.sink.records
            #expect(records.count == 4)
            #expect(records.map(\.route) == ["/api/prices/history/{symbol}", "/api/prices/history/{symbol}", "NotFound", "/api/health"])
            #expect(records.map(\.status) == [200, 401, 404, 200])
            #expect(records.map(\.keyID) == [key.id, nil, nil, nil])
            for record in records {
                #expect(record.method == "GET")
                #expect(record.latencyUs >= 0)
                #expect(record.bytes > 0)
            }
            let age = abs(records[0].ts - Timestamps.nowMillis())
            #expect(age < 60_000)
        }
    }

    @Test("64 concurrent clients: exactly one audit row per request, with its own key, status and route, through the wire form")
    func auditUnderConcurrency() async throws {
        try await AuthHarness.with { client, harness in
            let pro = harness.store.add(tier: .pro)
            let enterprise = harness.store.add(tier: .enterprise)
            // Worker w sends 5 requests: anonymous (w % 3 == 0), the pro key (1) or the enterprise key (2).
            let values = ["", pro.value, enterprise.value]
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<64 {
                    group.addTask {
                        var mine: [Int] = []
                        let value = values[worker % 3]
                        for request in 0..<5 {
                            let uri = request == 4 ? "/api/nope" : "/docs"
                            let headers: HTTPFields = value.isEmpty ? [:] : [.testAPIKey: value]
                            mine.append(try await client.execute(uri: uri, method: .get, headers: headers) { Int($0.status.code) })
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 64 * 5)
            harness.security.audit?.flush()
            // The batches as store-svc receives them: encoded and decoded in the compact form.
            let records = try harness.sink.records.map { record in
                try JSONDecoder().decode(Store.RecordUserRequests.Params.self,
                                         from: JSONEncoder().encode(Store.RecordUserRequests.Params(requests: [record]))).requests[0]
            }
            #expect(records.count == 64 * 5)
            #expect(records.filter { $0.keyID == pro.id }.count == 21 * 5)
            #expect(records.filter { $0.keyID == enterprise.id }.count == 21 * 5)
            #expect(records.filter { $0.keyID == nil }.count == 22 * 5)
            #expect(records.filter { $0.route == "NotFound" }.count == 64)
            #expect(records.filter { $0.route == "/docs" }.count == 64 * 4)
            #expect(records.allSatisfy { $0.method == "GET" && $0.bytes > 0 && $0.latencyUs >= 0 })
            let keyed = records.filter { $0.keyID != nil }
            #expect(keyed.filter { $0.route == "/docs" }.allSatisfy { $0.status == 200 })
            #expect(keyed.filter { $0.route == "NotFound" }.allSatisfy { $0.status == 404 })
            // Anonymous callers share the test address's 30 requests a minute: exactly 30 of their 110 were let through,
            // the rest refused with 429 — and every one of the 110 was audited.
            let anonymous = records.filter { $0.keyID == nil }
            #expect(anonymous.filter { $0.status != 429 }.count == 30)
            #expect(anonymous.filter { $0.status == 429 }.count == 80)
        }
    }

    @Test("the recorder batches off the request path and drops the oldest beyond its capacity")
    func recorderBatches() {
        let sink = RecordingSink()
        // 8 shards of 3 records each; 32 records arrive round-robin, so the oldest of each shard (0–7) is dropped.
        let recorder = AuditRecorder(sink: sink, batchSize: 8, capacity: 24)
        for index in 0..<32 {
            recorder.record(UserRequestRecord(ts: Int64(index), keyID: nil, route: "/r", method: "GET", status: 200, latencyUs: 1, bytes: 1))
        }
        #expect(sink.records.isEmpty)
        recorder.flush()
        #expect(sink.records.map(\.ts) == Array(8..<32).map(Int64.init))
        #expect(recorder.droppedCount == 8)
    }

    @Test("no key or token appears in any log line (access log, errors, auth failures)")
    func logsHoldNoSecrets() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .admin)
            let (token, _) = try await harness.security.tokens.issue(keyID: key.id, tier: .admin, scopes: Scopes.all, ttl: 600)
            let created = try await client.execute(uri: "/api/keys", method: .post, headers: [.testAPIKey: key.value],
                                                   body: ByteBuffer(string: #"{"tier":"pro"}"#)) { ($0.json["data"] as? [String: Any])?["key"] as? String ?? "" }
            let issued = try await client.execute(uri: "/api/auth/token", method: .post, headers: [.testAPIKey: created]) {
                ($0.json["data"] as? [String: Any])?["access_token"] as? String ?? ""
            }
            let requests: [(String, HTTPFields)] = [
                ("/api/prices/history/ZZT", [.testAPIKey: key.value]),
                ("/api/prices/history/ZZT", [.authorization: "Bearer \(token)"]),
                ("/api/prices/history/ZZT", [.authorization: "Bearer \(issued)"]),
                ("/api/prices/history/ZZT", [.authorization: "Bearer \(token)x"]),
                ("/api/prices/history/ZZT", [.testAPIKey: key.value + "x"]),
                ("/docs?api_key=\(created)", [:]),
                ("/api/nope?token=\(token)", [.testAPIKey: created]),
                ("/api/prices?symbols=BTC", [.testAPIKey: created]),
            ]
            for (path, headers) in requests { _ = try await client.execute(uri: path, method: .get, headers: headers) { $0.status } }
            let lines = harness.logs.all
            #expect(lines.count >= requests.count) // the access log saw every request
            let secrets = [key.value, String(key.value.dropFirst(15)), created, String(created.dropFirst(15)), token, issued,
                           String(token.split(separator: ".")[2]), String(issued.split(separator: ".")[2])]
            for line in lines {
                for secret in secrets { #expect(!line.contains(secret), "a log line holds a credential: \(line.prefix(80))") }
            }
            #expect("\(try #require(APIKey(presented: created)))" == "cdt_\(created.dropFirst(4).prefix(10))…")
        }
    }

    @Test("generated keys: cdt_<10>_<32> base62 (≥ 128 random bits), stored as sha256, matched in constant time")
    func keyFormat() throws {
        var seen = Set<String>()
        for _ in 0..<200 {
            let key = APIKey.generate()
            #expect(key.value.utf8.count == 47)
            #expect(key.prefix == String(key.value.prefix(14)))
            #expect(key.matches(storedHash: key.hash))
            #expect(!key.matches(storedHash: APIKey.generate().hash))
            #expect(!key.matches(storedHash: "md5:00"))
            seen.insert(key.value)
        }
        #expect(seen.count == 200)
        // Secret part: 32 × log2(62) ≈ 190 bits.
        #expect(Double(APIKey.secretLength) * log2(62) >= 128)
        let external = try #require(APIKey(presented: "an-operator-chosen-admin-key-value"))
        #expect(APIKey.isValidID(external.id))
        #expect(APIKey(presented: "an-operator-chosen-admin-key-value")?.id == external.id)
        #expect(APIKey(presented: "") == nil)
        #expect(APIKey(presented: "tab\tinside") == nil)
    }

    @Test("production refuses to start without JWT_SECRET; development generates one secret once, mode 0600")
    func secretBootstrap() throws {
        let directory = try TemporaryDirectory(prefix: "jwt")
        defer { directory.remove() }
        let production = Settings(environment: ["ENVIRONMENT": "production", "DATA_DIR": directory.path])
        #expect(throws: ConfigurationError.self) { try SecretBootstrap.algorithm(settings: production) }
        #expect(throws: ConfigurationError.self) { try GatewaySecurity.live(settings: production, backends: Backends(settings: production), logger: .init(label: "t")) }
        let short = Settings(environment: ["JWT_SECRET": "short", "DATA_DIR": directory.path])
        #expect(throws: ConfigurationError.self) { try SecretBootstrap.secret(settings: short) }
        let offInProduction = Settings(environment: ["ENVIRONMENT": "production", "GATEWAY_AUTH": "off", "JWT_SECRET": String(repeating: "s", count: 40)])
        #expect(throws: ConfigurationError.self) { try AuthConfiguration(settings: offInProduction) }

        let development = Settings(environment: ["DATA_DIR": directory.path])
        let first = try SecretBootstrap.secret(settings: development)
        let second = try SecretBootstrap.secret(settings: development)
        #expect(first == second)
        #expect(first.count >= 32)
        let path = directory.file(SecretBootstrap.fileName)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let configured = Settings(environment: ["JWT_SECRET": String(repeating: "k", count: 32), "DATA_DIR": directory.path])
        #expect(try SecretBootstrap.secret(settings: configured) == Array(String(repeating: "k", count: 32).utf8))
    }

    @Test("limits are configurable per tier from the environment, 'unlimited' included")
    func configuration() throws {
        let settings = Settings(environment: ["RATE_LIMIT_FREE_PER_MINUTE": "5", "RATE_LIMIT_FREE_PER_DAY": "unlimited",
                                              "RATE_LIMIT_ANONYMOUS_MAX_SYMBOLS": "3", "JWT_TTL": "999999", "JWT_MAX_TTL": "7200",
                                              "CORS_ORIGINS": "https://a.example, https://b.example"])
        let configuration = try AuthConfiguration(settings: settings)
        #expect(configuration.limits(for: .free) == TierLimits(perMinute: 5, perDay: nil, maxSymbols: 25))
        #expect(configuration.limits(for: .anonymous).maxSymbols == 3)
        #expect(configuration.limits(for: .pro) == TierLimits(perMinute: 300, perDay: 50_000))
        #expect(configuration.limits(for: .admin).isUnlimited)
        #expect(configuration.tokenTTL == 7_200)
        #expect(configuration.corsOrigins == ["https://a.example", "https://b.example"])
        #expect(throws: ConfigurationError.self) { try AuthConfiguration(settings: Settings(environment: ["RATE_LIMIT_PRO_PER_DAY": "lots"])) }
    }
}
