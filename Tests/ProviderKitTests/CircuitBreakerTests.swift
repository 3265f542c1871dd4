import ProviderKit
import Testing

@Suite("CircuitBreaker")
struct CircuitBreakerTests {
    @Test("opens after the threshold of consecutive failures, half-opens after the cool-down, closes on success")
    func lifecycle() {
        let time = TestClock()
        let breaker = CircuitBreaker(failureThreshold: 3, coolDown: .seconds(10), clock: time.clock)
        #expect(breaker.state == .closed)
        breaker.recordFailure()
        breaker.recordFailure()
        #expect(breaker.state == .closed)
        #expect(breaker.permit())
        breaker.recordFailure()
        #expect(breaker.state == .open)
        #expect(!breaker.permit())
        #expect(breaker.secondsUntilTrial == 10)
        time.advance(9.9)
        #expect(!breaker.permit())
        time.advance(0.2)
        #expect(breaker.state == .halfOpen)
        #expect(breaker.permit(), "one trial call")
        #expect(!breaker.permit(), "only one trial at a time")
        breaker.recordSuccess()
        #expect(breaker.state == .closed)
        #expect(breaker.permit())
        #expect(breaker.openCount == 1)
    }

    @Test("a failed trial re-opens the breaker for another cool-down")
    func failedTrial() {
        let time = TestClock()
        let breaker = CircuitBreaker(failureThreshold: 1, coolDown: .seconds(5), clock: time.clock)
        breaker.recordFailure()
        time.advance(5)
        #expect(breaker.permit())
        breaker.recordFailure()
        #expect(breaker.state == .open)
        #expect(!breaker.permit())
        time.advance(5)
        #expect(breaker.permit())
        #expect(breaker.openCount == 2)
    }

    @Test("a success resets the consecutive-failure count; a neutral outcome frees the trial slot")
    func successResets() {
        let time = TestClock()
        let breaker = CircuitBreaker(failureThreshold: 2, coolDown: .seconds(1), clock: time.clock)
        breaker.recordFailure()
        breaker.recordSuccess()
        breaker.recordFailure()
        #expect(breaker.state == .closed)
        breaker.recordFailure()
        time.advance(1)
        #expect(breaker.permit())
        breaker.recordNeutral()
        #expect(breaker.permit(), "the trial slot is free again after a neutral outcome")
    }
}
