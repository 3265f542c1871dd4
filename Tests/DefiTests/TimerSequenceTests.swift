import Testing
@testable import Defi

/// The collector's timer: a tick at once, then on a fixed schedule, ending when the task is cancelled.
@Suite("timer sequence", .timeLimit(.minutes(1)))
struct TimerSequenceTests {
    @Test("first tick at once, later ticks one interval apart, the loop ends on cancellation")
    func ticks() async {
        let started = ContinuousClock.now
        var ticks: [ContinuousClock.Instant] = []
        for await tick in TimerSequence(every: .milliseconds(40)) {
            ticks.append(tick)
            if ticks.count == 3 { break }
        }
        #expect(ticks.count == 3)
        // "At once" against a 30 s interval: a first tick after one interval could not come within 10 s, however busy
        // the machine.
        for await first in TimerSequence(every: .seconds(30)) {
            #expect(first - started < .seconds(10))
            break
        }
        // Ticks are scheduled deadlines: one interval apart, or a whole number of intervals when a busy machine
        // made the loop miss one (missed ticks are skipped, never bunched).
        for (earlier, later) in zip(ticks, ticks.dropFirst()) {
            let gap = later - earlier
            #expect(gap >= .milliseconds(40) && gap == .milliseconds(40) * Int(gap / .milliseconds(40)), "gap \(gap)")
        }

        let counted = await withTaskGroup(of: Int.self) { group in
            group.addTask {
                var count = 0
                for await _ in TimerSequence(every: .seconds(60), immediately: false) { count += 1 }
                return count
            }
            try? await Task.sleep(for: .milliseconds(20))
            group.cancelAll()
            return await group.next() ?? -1
        }
        #expect(counted == 0)
    }
}
