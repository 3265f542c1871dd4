import Contracts
import CryptoModels
import Foundation
import Logging
import RPC
import ServiceLifecycle
import StoreClient
import Testing
import TestSupport

/// `BufferedStoreWriter` against a real store-svc that is killed and restarted while collectors keep writing.
@Suite("buffered store writer", .serialized, .timeLimit(.minutes(2)))
struct StoreWriterTests {
    /// Runs `writer` in a service group for the duration of `body`, then shuts it down gracefully.
    func running(_ writer: BufferedStoreWriter, _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(configuration: .init(services: [.init(service: writer)], gracefulShutdownSignals: [],
                                                      logger: Logger(label: "writer-test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body()
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func writerClient(_ data: String) -> RPCClient {
        RPCClient(configuration: .init(address: StoreNode.address(data), connections: 1, connectTimeout: .milliseconds(200),
                                       defaultTimeout: .seconds(2), initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(100)))
    }

    @Test("store-svc killed and restarted mid-stream: nothing lost when the buffer suffices; health says degraded meanwhile")
    func noLoss() async throws {
        let directory = try TemporaryDirectory(prefix: "writer")
        defer { directory.remove() }
        let data = directory.file("data")
        let base = Timestamps.nowMillis() - 86_400_000
        var node = try await StoreNode.start(data, log: directory.file("store-1.log"))
        let client = Self.writerClient(data)
        defer { client.close() }
        let writer = BufferedStoreWriter(client: client, configuration: .init(capacity: 1_000, initialBackoff: .milliseconds(10),
                                                                               maxBackoff: .milliseconds(100)))
        try await running(writer) {
            for index in 0..<100 {
                writer.enqueue(Contracts.Store.InsertPrices.self, .init(quotes: [StoreNode.quote("ZZBUF", at: base + Int64(index))], source: "t"))
            }
            #expect(await Eventually.wait(timeout: .seconds(10)) { writer.counts.sent == 100 })
            await node.kill9()
            // Collectors go on: enqueue never blocks while store-svc is gone.
            let clock = ContinuousClock.now
            for index in 100..<300 {
                writer.enqueue(Contracts.Store.InsertPrices.self, .init(quotes: [StoreNode.quote("ZZBUF", at: base + Int64(index))], source: "t"))
            }
            #expect(ContinuousClock.now - clock < .seconds(1))
            #expect(await Eventually.wait(timeout: .seconds(5)) { writer.healthCheck().status == .degraded })
            let outage = writer.healthCheck()
            #expect(outage.observed?["queued"] == .number(200))
            #expect(outage.observed?["last_error"] != nil)
            node = try await StoreNode.start(data, log: directory.file("store-2.log"))
            #expect(await Eventually.wait(timeout: .seconds(15)) { writer.counts.queued == 0 })
        }
        let counts = writer.counts
        #expect(counts.sent == 300)
        #expect(counts.dropped == 0)
        #expect(writer.healthCheck().status == .healthy)
        let (stored, metrics) = try await node.guarding { node in
            (try await node.storedTimes("ZZBUF", from: base, to: base + 1_000),
             try await node.client.call(System.Metrics.self, NoParams()).text)
        }
        #expect(stored == Set((0..<300).map { base + Int64($0) }))
        // The restarted store-svc counted the 200 writes it received, one row each.
        #expect(metrics.contains(#"store_write_rows_total{method="store.prices.insert"} 200"#), "\(metrics)")
        #expect(metrics.contains("store_query_duration_seconds"))
        await node.stop()
    }

    @Test("a buffer too small for the outage drops the oldest writes, counts them exactly, and reports them")
    func exactDrops() async throws {
        let directory = try TemporaryDirectory(prefix: "drops")
        defer { directory.remove() }
        let data = directory.file("data")
        let base = Timestamps.nowMillis() - 86_400_000
        let client = Self.writerClient(data)
        defer { client.close() }
        let writer = BufferedStoreWriter(client: client, configuration: .init(capacity: 50, initialBackoff: .milliseconds(10),
                                                                               maxBackoff: .milliseconds(100)))
        var started: StoreNode?
        try await running(writer) {
            // store-svc is not running yet: 200 writes into a buffer of 50.
            for index in 0..<200 {
                writer.enqueue(Contracts.Store.InsertPrices.self, .init(quotes: [StoreNode.quote("ZZDROP", at: base + Int64(index))], source: "t"))
            }
            #expect(writer.counts.dropped == 150)
            #expect(writer.counts.queued == 50)
            let check = writer.healthCheck()
            #expect(check.name == "store-writer")
            #expect(check.status == .degraded)
            #expect(check.observed?["dropped"] == .number(150))
            started = try await StoreNode.start(data, log: directory.file("store.log"))
            #expect(await Eventually.wait(timeout: .seconds(15)) { writer.counts.queued == 0 })
        }
        let node = try #require(started)
        #expect(writer.counts.sent == 50)
        #expect(writer.counts.dropped == 150)
        let stored = try await node.guarding { node in try await node.storedTimes("ZZDROP", from: base, to: base + 1_000) }
        #expect(stored.count == 50)
        // The newest writes survive (the oldest one may too, if it was already in flight when the buffer filled).
        #expect(Set((151..<200).map { base + Int64($0) }).isSubset(of: stored))
        await node.stop()
    }
}
