import Contracts
import CryptoModels
import Foundation
import RPC
import Synchronization
import Testing
import TestSupport

/// store-svc under `kill -9`: every acknowledged write survives and the file stays intact.
@Suite("store-svc crash safety", .serialized, .timeLimit(.minutes(3)))
struct StoreCrashSafetyTests {
    @Test("20 × kill -9 during a stream of acknowledged writes: integrity ok, every acknowledged write present")
    func killNineTwentyTimes() async throws {
        let directory = try TemporaryDirectory(prefix: "crash")
        defer { directory.remove() }
        let data = directory.file("data")
        let base = Timestamps.nowMillis() - 30 * 86_400_000
        let roundSpan: Int64 = 10_000_000
        var acknowledged: [Int: Set<EpochMillis>] = [:]
        var totalAcknowledged = 0
        for round in 0..<20 {
            let node = try await StoreNode.start(data, log: directory.file("store-\(round).log"))
            try await node.guarding { node in
            // Every earlier round's acknowledged writes are there, and the file is intact.
            let integrity = try await node.client.call(Contracts.Store.IntegrityCheck.self, NoParams())
            #expect(integrity.ok, "round \(round): \(integrity.lines)")
            for (earlier, times) in acknowledged {
                let from = base + Int64(earlier) * roundSpan
                let stored = try await node.storedTimes("ZZCRASH", from: from, to: from + 9_999)
                #expect(times.isSubset(of: stored), "round \(round): \(times.subtracting(stored).count) acknowledged writes of round \(earlier) lost")
            }
            }
            // Four writers stream single-quote inserts; the process is killed 60–240 ms in.
            let roundBase = base + Int64(round) * roundSpan
            let client = node.client
            var times = Set<EpochMillis>()
            let acks = AckCounter()
            try await withThrowingTaskGroup(of: Set<EpochMillis>.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        var acked = Set<EpochMillis>()
                        var ts = roundBase + Int64(writer)
                        while true {
                            do {
                                _ = try await client.call(Contracts.Store.InsertPrices.self,
                                                          .init(quotes: [StoreNode.quote("ZZCRASH", at: ts)], source: "crash"),
                                                          timeout: .seconds(2))
                                acked.insert(ts)
                                acks.value.add(1, ordering: .relaxed)
                                ts += 4
                            } catch {
                                // Killed: this write may or may not have landed; it was not acknowledged.
                                return acked
                            }
                        }
                    }
                }
                // The kill lands 60–240 ms into the stream of acknowledged writes (not into start-up, on a busy machine).
                _ = await Eventually.wait(timeout: .seconds(10), interval: .milliseconds(5)) { acks.value.load(ordering: .relaxed) > 0 }
                try await Task.sleep(for: .milliseconds(Int.random(in: 60...240)))
                await node.kill9()
                for try await acked in group { times.formUnion(acked) }
            }
            #expect(!times.isEmpty, "round \(round) acknowledged nothing before the kill")
            // Reads cover 10,000 ms of a round at 1 ms resolution (one write per ms of timestamp space).
            #expect(times.count < 10_000)
            acknowledged[round] = times
            totalAcknowledged += times.count
        }
        let node = try await StoreNode.start(data, log: directory.file("store-final.log"))
        try await node.guarding { node in
        let integrity = try await node.client.call(Contracts.Store.IntegrityCheck.self, NoParams())
        #expect(integrity == .init(ok: true, lines: ["ok"]))
        var found = 0
        for (round, times) in acknowledged {
            let from = base + Int64(round) * roundSpan
            let stored = try await node.storedTimes("ZZCRASH", from: from, to: from + 9_999)
            #expect(times.isSubset(of: stored))
            found += times.intersection(stored).count
        }
        #expect(found == totalAcknowledged)
        FileHandle.standardError.write(Data("crash safety: \(totalAcknowledged) acknowledged writes across 20 kills, all present\n".utf8))
        }
        await node.stop()
    }
}

/// Acknowledged writes so far, shared by the writers of a round.
final class AckCounter: Sendable {
    let value = Atomic<Int>(0)
}
