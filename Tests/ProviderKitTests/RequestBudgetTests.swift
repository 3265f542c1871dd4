import ProviderKit
import Testing

@Suite("RequestBudget")
struct RequestBudgetTests {
    @Test("30 per minute: a burst of 30, then one every 2 s")
    func tokenBucket() throws {
        let time = TestClock()
        let budget = RequestBudget(requests: 30, per: .seconds(60), clock: time.clock)
        for _ in 0..<30 { #expect(budget.acquire() == nil) }
        let wait = try #require(budget.acquire())
        #expect(wait == .seconds(2))
        time.advance(1.9)
        #expect(budget.acquire() != nil)
        time.advance(0.1)
        #expect(budget.acquire() == nil)
        #expect(budget.refusedCount == 2)
    }

    @Test("a Retry-After block refuses calls until it ends, whatever the tokens")
    func retryAfter() throws {
        let time = TestClock()
        let budget = RequestBudget(requests: 100, per: .seconds(60), clock: time.clock)
        budget.block(for: .seconds(30))
        let wait = try #require(budget.acquire())
        #expect(wait == .seconds(30))
        #expect(budget.available == 0)
        time.advance(30)
        #expect(budget.acquire() == nil)
    }
}
