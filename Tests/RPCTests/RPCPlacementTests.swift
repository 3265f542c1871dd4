import Foundation
import NIOPosix
@testable import RPC
import Synchronization
import Testing
import TestSupport

/// Reports where its handler ran.
enum WhereAmI: RPCMethod {
    static let name = "test.where"
    typealias Params = NoParams
    struct Result: Codable, Sendable { var onEventLoop: Bool }
}

/// The same report from a handler registered to run on the concurrency pool.
enum WhereAmIPooled: RPCMethod {
    static let name = "test.wherePooled"
    typealias Params = NoParams
    typealias Result = WhereAmI.Result
}

/// Blocks its thread (as blocking file or database I/O would) until the test releases it.
enum Block: RPCMethod {
    static let name = "test.block"
    typealias Params = NoParams
    typealias Result = NoParams
}

/// A thread-blocking latch for `Block`: `wait` blocks the calling thread (at most 10 s) until `release`.
final class Latch: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func wait() { _ = semaphore.wait(timeout: .now() + 10) }
    func release() { semaphore.signal() }
}

/// Where handlers and callers run: on the connection's event loop unless told otherwise, and never a blocking
/// handler there.
@Suite("RPC handler and caller placement", .timeLimit(.minutes(1)))
struct RPCPlacementTests {
    /// A thread of the tests' own for the blocking handler: blocking it holds none of the cooperative pool's
    /// threads, which the whole parallel suite shares.
    static let blockingThread = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static func router(probe: Probe, latch: Latch = Latch()) -> RPCRouter {
        var router = makeRouter(probe: probe)
        router.register(WhereAmI.self) { _, _ in .init(onEventLoop: MultiThreadedEventLoopGroup.currentEventLoop != nil) }
        router.register(WhereAmIPooled.self, placement: .concurrencyPool) { _, _ in
            .init(onEventLoop: MultiThreadedEventLoopGroup.currentEventLoop != nil)
        }
        router.register(Block.self, placement: .executor(EventLoopTaskExecutor(eventLoop: blockingThread.next()))) { _, _ in
            probe.started.add(1, ordering: .relaxed)
            latch.wait()
            probe.completed.add(1, ordering: .relaxed)
            return NoParams()
        }
        return router
    }

    @Test("handlers run on the connection's event loop by default; .concurrencyPool ones and the opt-out do not")
    func handlerPlacement() async throws {
        let router = Self.router(probe: Probe())
        #expect(router.placement(of: WhereAmI.name) == .eventLoop)
        #expect(router.placement(of: WhereAmIPooled.name) == .concurrencyPool)
        #expect(router.placement(of: Block.name) != .concurrencyPool)
        try await RPCTestServer.with(router: router) { _, address, _ in
            let client = RPCClient.patient(address)
            defer { client.close() }
            let onLoop = try await client.call(WhereAmI.self, NoParams())
            #expect(onLoop.onEventLoop)
            let pooled = try await client.call(WhereAmIPooled.self, NoParams())
            #expect(!pooled.onEventLoop)
        }
        try await RPCTestServer.with(router: router, handlersOnEventLoop: false) { _, address, _ in
            let client = RPCClient.patient(address)
            defer { client.close() }
            let result = try await client.call(WhereAmI.self, NoParams())
            #expect(!result.onEventLoop)
        }
    }

    @Test("a blocking handler placed on its own executor does not stall the other calls on its connection")
    func blockingHandler() async throws {
        let probe = Probe(), latch = Latch()
        try await RPCTestServer.with(router: Self.router(probe: probe, latch: latch)) { _, address, _ in
            let client = RPCClient.patient(address, connections: 1)
            defer { client.close() }
            _ = try await client.call(Echo.self, .init(value: "warm", n: 0))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await client.call(Block.self, NoParams()) }
                #expect(await Eventually.wait(timeout: .seconds(10)) { probe.started.load(ordering: .relaxed) == 1 })
                // The handler now blocks its thread until released. Had it been given the event loop, the loop could
                // read no more frames: these calls would time out and the latch would only open after 10 s.
                do {
                    for index in 1...20 {
                        let reply = try await client.call(Echo.self, .init(value: "during", n: index), timeout: .seconds(5))
                        #expect(reply.n == index)
                    }
                    #expect(probe.completed.load(ordering: .relaxed) == 0)
                } catch {
                    latch.release()
                    throw error
                }
                latch.release()
                try await group.waitForAll()
            }
            #expect(probe.completed.load(ordering: .relaxed) == 1)
        }
    }

    @Test("a caller preferring client.taskExecutor is resumed on that connection's event loop")
    func callerOnLoop() async throws {
        try await RPCTestServer.with(router: Self.router(probe: Probe())) { _, address, _ in
            let client = RPCClient.patient(address, connections: 2)
            defer { client.close() }
            let loop = try #require(client.taskExecutor as? EventLoopTaskExecutor).eventLoop
            let (reply, resumedOnLoop) = try await withTaskExecutorPreference(client.taskExecutor) {
                var replies: [Echo.Params] = []
                var onLoop = true
                for index in 1...5 {
                    replies.append(try await client.call(Echo.self, .init(value: "loop", n: index)))
                    onLoop = onLoop && loop.inEventLoop
                }
                return (replies.map(\.n), onLoop)
            }
            #expect(reply == [1, 2, 3, 4, 5])
            #expect(resumedOnLoop)
            // A plain caller on the global pool is served too.
            let plain = try await client.call(Echo.self, .init(value: "pool", n: 6))
            #expect(plain.n == 6)
        }
    }

    @Test("a short deadline after a long one still expires on time (the connection's one timer is re-armed)")
    func deadlineRearm() async throws {
        let probe = Probe()
        try await RPCTestServer.with(router: makeRouter(probe: probe)) { server, address, _ in
            let client = RPCClient.patient(address, connections: 1)
            defer { client.close() }
            _ = try await client.call(Echo.self, .init(value: "warm", n: 0))
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Arms the connection's timer 30 s out.
                group.addTask { _ = try? await client.call(Sleep.self, .init(ms: 60_000), timeout: .seconds(30)) }
                #expect(await Eventually.wait(timeout: .seconds(10)) { probe.started.load(ordering: .relaxed) == 1 })
                let started = ContinuousClock.now
                let error = await #expect(throws: RPCError.self) {
                    try await client.call(Sleep.self, .init(ms: 60_000), timeout: .milliseconds(200))
                }
                #expect(error?.code == RPCErrorCode.deadlineExceeded)
                #expect(ContinuousClock.now - started < .seconds(5))
                group.cancelAll()
            }
            // Both handlers are stopped: the short one by its deadline, the long one by its caller's cancellation.
            #expect(await Eventually.wait(timeout: .seconds(10)) { server.inFlightCalls == 0 })
            #expect(probe.completed.load(ordering: .relaxed) == 0)
        }
    }
}
