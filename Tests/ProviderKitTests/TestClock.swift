import ProviderKit
import Synchronization

/// A manually advanced clock for breaker, budget and cache tests.
final class TestClock: Sendable {
    private let seconds = Mutex<Double>(1_000)
    var clock: ProviderClock {
        ProviderClock(monotonic: { [self] in seconds.withLock { $0 } },
                      wallMillis: { [self] in Int64(seconds.withLock { $0 } * 1_000) })
    }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
}
