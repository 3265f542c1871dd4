import ProviderKit
import Synchronization
import Testing

@Suite("SingleFlight and FreshnessCache")
struct SingleFlightAndCacheTests {
    @Test("100 concurrent callers of one key share one run; another key runs separately")
    func singleFlight() async throws {
        let flight = SingleFlight<String, Int>()
        let runs = RunCounter()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<101 {
                group.addTask {
                    try await flight.run(index == 100 ? "other" : "key") {
                        runs.increment()
                        try await Task.sleep(for: .milliseconds(200))
                        return index == 100 ? 7 : 42
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(runs.value == 2)
        #expect(results.filter { $0 == 42 }.count == 100)
        #expect(results.filter { $0 == 7 }.count == 1)
        #expect(flight.joined == 99)
    }

    @Test("a failure is shared by every waiter, and the next call runs again")
    func sharedFailure() async throws {
        struct Boom: Error {}
        let flight = SingleFlight<String, Int>()
        await #expect(throws: Boom.self) { try await flight.run("k") { throw Boom() } }
        let value = try await flight.run("k") { 1 }
        #expect(value == 1)
    }

    @Test("fresh until the TTL, then last-known up to a maximum age, with ages and provenance")
    func freshness() throws {
        let time = TestClock()
        let cache = FreshnessCache<String, String>(clock: time.clock)
        cache.store("btc", "67187.33", source: "coingecko", asOf: 1_711_356_300_000, ttl: .seconds(60))
        let fresh = try #require(cache.fresh("btc"))
        #expect(fresh.value == "67187.33")
        #expect(fresh.source == "coingecko")
        #expect(fresh.asOf == 1_711_356_300_000)
        #expect(fresh.fetchedAt == 1_000_000)
        time.advance(59)
        #expect(cache.fresh("btc")?.remaining(now: time.clock.monotonic()) == 1)
        time.advance(1)
        #expect(cache.fresh("btc") == nil)
        let stale = try #require(cache.lastKnown("btc", maxAge: .seconds(120)))
        #expect(stale.age(now: time.clock.monotonic()) == 60)
        time.advance(61)
        #expect(cache.lastKnown("btc", maxAge: .seconds(120)) == nil)
    }

    @Test("beyond its capacity the cache evicts the oldest entry")
    func capacity() {
        let time = TestClock()
        let cache = FreshnessCache<Int, Int>(capacity: 2, clock: time.clock)
        for key in 0..<3 {
            cache.store(key, key, source: "s", ttl: .seconds(60))
            time.advance(1)
        }
        #expect(cache.count == 2)
        #expect(cache.fresh(0) == nil)
        #expect(cache.fresh(2)?.value == 2)
    }
}

/// Counts runs across tasks.
final class RunCounter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
