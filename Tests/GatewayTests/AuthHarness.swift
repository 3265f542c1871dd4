import AccessKeys
import Contracts
import CryptoModels
import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import RPC
import ServiceKit
import Synchronization
import TestSupport

/// A wall clock the test moves by hand.
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ nanoseconds: Int64) { value = Mutex(nanoseconds) }
    var clock: AuthClock { AuthClock { self.value.withLock { $0 } } }
    func advance(seconds: Int64) { value.withLock { $0 += seconds * 1_000_000_000 } }
    func set(seconds: Int64) { value.withLock { $0 = seconds * 1_000_000_000 } }
}

/// Keys in memory, counting look-ups.
final class InMemoryKeyStore: KeyStore {
    private let records = Mutex<[String: APIKeyRecord]>([:])
    private let finds = Mutex(0)

    var findCount: Int { finds.withLock { $0 } }

    func find(prefix: String, requestID: String?) async throws -> APIKeyRecord? {
        finds.withLock { $0 += 1 }
        return records.withLock { $0.values.first { $0.prefix == prefix } }
    }
    func create(_ record: APIKeyRecord, requestID: String?) async throws {
        try records.withLock { records in
            guard records[record.id] == nil else { throw RPCError.problem("duplicate", status: 409, title: "Duplicate", detail: "exists") }
            records[record.id] = record
        }
    }
    func list(includeRevoked: Bool, requestID: String?) async throws -> [APIKeyRecord] {
        records.withLock { Array($0.values) }.filter { includeRevoked || $0.isActive }.sorted { $0.createdAt < $1.createdAt }
    }
    func revoke(id: String, at: EpochMillis, requestID: String?) async throws -> Bool {
        records.withLock { records in
            guard var record = records[id], record.isActive else { return false }
            record.revokedAt = at
            records[id] = record
            return true
        }
    }
    func touch(id: String, at: EpochMillis) async throws {}

    /// Stores a new key of `tier` and returns it.
    func add(tier: Tier, scopes: [String]? = nil) -> APIKey {
        let key = APIKey.generate()
        records.withLock {
            $0[key.id] = APIKeyRecord(id: key.id, prefix: key.prefix, hash: key.hash, tier: tier.rawValue,
                                      scopes: scopes ?? Scopes.defaults(forTier: tier.rawValue), createdAt: 1)
        }
        return key
    }
}

/// Collects audit batches and touches.
final class RecordingSink: AuditSink {
    private let batches = Mutex<[[UserRequestRecord]]>([])
    func submit(_ batch: [UserRequestRecord]) { batches.withLock { $0.append(batch) } }
    func touch(keyID: String, at: EpochMillis) {}
    var records: [UserRequestRecord] { batches.withLock { $0.flatMap { $0 } } }
}

/// Every log line rendered as text (message and metadata), for the no-secrets-in-logs test.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            let all = self.metadata.merging(explicit ?? [:]) { _, new in new }
            capture.append("\(level) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }

    var logger: Logger { Logger(label: "captured") { _ in Handler(capture: self) } }
}

/// The gateway router with real security (in-memory keys, manual clock, recorded audit) in front of a stand-in
/// store-svc that knows the asset ZZT.
struct AuthHarness: Sendable {
    /// 2026-11-21 12:00:00 UTC, in seconds.
    static let start: Int64 = 1_795_262_400
    static let secret = Array("test-secret-of-at-least-thirty-two-bytes!".utf8)

    let clock: ManualClock
    let store: InMemoryKeyStore
    let sink: RecordingSink
    let security: GatewaySecurity
    let logs: LogCapture

    /// A probe answering healthy for every backend.
    struct HealthyProbe: HealthProbe {
        func probe(_ service: ServiceName, timeout: Duration) async -> ServiceHealth {
            ServiceHealth(name: service.executable, status: .healthy, latencyMs: 0.1, version: "t", uptimeS: 1, pid: 1)
        }
    }

    static func storeRouter() -> RPCRouter {
        var router = RPCRouter()
        router.register(Contracts.Store.PriceHistory.self) { params, _ in
            guard params.symbol == "ZZT" else {
                throw RPCError.problem("unknown-asset", status: 404, title: "Unknown asset", detail: "no history for \(params.symbol)")
            }
            return .init(symbol: "ZZT", vs: params.vs, points: [PricePoint(ts: 1_795_262_400_000, price: Amount(parsing: "1.5")!)])
        }
        return router
    }

    /// Runs `body` with a test client of the full gateway router.
    static func with(algorithm: JWTAuthority.Algorithm = .hs256(secret: secret),
                     configuration: AuthConfiguration = AuthConfiguration(),
                     _ body: @Sendable (any TestClientProtocol, AuthHarness) async throws -> Void) async throws {
        try await RPCTestServer.with(router: storeRouter()) { _, address, _ in
            let settings = Settings(environment: ["STORE_RPC_ADDRESS": "\(address)", "ACCESS_LOG": "true",
                                                  "SOCKET_DIR": "/nonexistent-cdt-test", "HEALTH_PROBE_TIMEOUT": "0.3"])
            let backends = try Backends(settings: settings)
            defer { backends.close() }
            let clock = ManualClock(start * 1_000_000_000)
            let store = InMemoryKeyStore()
            let sink = RecordingSink()
            let logs = LogCapture()
            let recorder = AuditRecorder(sink: sink)
            let tokens = JWTAuthority(algorithm: algorithm, issuer: configuration.issuer, audience: configuration.audience, clock: clock.clock)
            let security = GatewaySecurity(configuration: configuration, store: store, tokens: tokens, audit: recorder,
                                           clock: clock.clock, logger: logs.logger)
            let harness = AuthHarness(clock: clock, store: store, sink: sink, security: security, logs: logs)
            let dependencies = GatewayApp.Dependencies(health: HealthyProbe(), backends: backends, security: security)
            let router = GatewayApp.makeRouter(settings: settings, logger: logs.logger, dependencies: dependencies)
            try await Application(router: router, logger: logs.logger).test(.router) { client in try await body(client, harness) }
        }
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:] }
    /// The problem type, when the body is a problem.
    var problemType: String? { json["type"] as? String }
}

extension HTTPField.Name {
    static let testAPIKey = HTTPField.Name("X-API-Key")!
}
