import NIOCore
import NIOPosix
import ProviderKit
import RPC
import Testing

/// RPC handlers run on their connection's event loop; the shared upstream work a `SingleFlight` leader starts
/// (fetch and parse) must not hold that loop.
@Suite("SingleFlight placement")
struct SingleFlightPlacementTests {
    @Test("a leader on an event-loop executor runs the operation off the loop and returns to it afterwards")
    func operationRunsOffTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let executor = EventLoopTaskExecutor(eventLoop: loop)
        let flight = SingleFlight<String, Bool>()
        let (insideOnLoop, callerOnLoopBefore, callerOnLoopAfter) = try await withTaskExecutorPreference(executor) {
            let before = loop.inEventLoop
            let inside = try await flight.run("key") {
                try await Task.sleep(for: .milliseconds(1))
                return loop.inEventLoop
            }
            return (inside, before, loop.inEventLoop)
        }
        #expect(callerOnLoopBefore)
        #expect(insideOnLoop == false)
        #expect(callerOnLoopAfter)
        try await group.shutdownGracefully()
    }
}
