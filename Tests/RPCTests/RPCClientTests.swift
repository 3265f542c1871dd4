import Foundation
import Synchronization
import Logging
import RPC
import ServiceLifecycle
import Testing
import TestSupport

/// Client behaviour against a real server on real sockets.
@Suite("RPC client and server", .timeLimit(.minutes(1)))
struct RPCClientTests {
    @Test("round trip over a Unix socket and over TCP")
    func roundTrip() async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            let client = RPCClient.patient(address)
            defer { client.close() }
            let reply = try await client.call(Echo.self, .init(value: "héllo ✓", n: 42))
            #expect(reply == .init(value: "héllo ✓", n: 42))
        }
        let port = try FreePort.next()
        try await RPCTestServer.with(router: makeRouter(), address: .tcp(host: "127.0.0.1", port: port)) { _, address, _ in
            #expect(address == .tcp(host: "127.0.0.1", port: port))
            let client = RPCClient.patient(address)
            defer { client.close() }
            let reply = try await client.call(Echo.self, .init(value: "tcp", n: 1))
            #expect(reply.value == "tcp")
        }
    }

    @Test("the socket file is created with mode 0660")
    func socketMode() async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            guard case .unix(let path) = address else { Issue.record("expected a unix address"); return }
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o660)
        }
    }

    @Test("a stale socket file is removed at start; a live one is not taken over")
    func staleSocket() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("stale.sock")
        // Leave a socket file behind with no listener (as a killed process would).
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        #expect(FileManager.default.fileExists(atPath: path))
        try await RPCTestServer.with(router: makeRouter(), address: .unix(path: path)) { _, address, _ in
            let client = RPCClient.patient(address)
            defer { client.close() }
            let reply = try await client.call(Echo.self, .init(value: "fresh", n: 1))
            #expect(reply.value == "fresh")
            // A second server on the same live path refuses to start.
            let second = RPCServer(configuration: .init(address: address, serviceName: "second"), router: makeRouter(),
                                   logger: Logger(label: "second"))
            await #expect(throws: (any Error).self) { try await second.run() }
        }
    }

    @Test("1,000 concurrent pipelined calls on one connection are matched to their ids")
    func pipelining() async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            let client = RPCClient.patient(address, connections: 1)
            defer { client.close() }
            let mismatches = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<1_000 {
                    group.addTask {
                        let reply = try await client.call(Echo.self, .init(value: "call-\(index)", n: index))
                        return reply.n == index && reply.value == "call-\(index)"
                    }
                }
                var bad = 0
                for try await ok in group where !ok { bad += 1 }
                return bad
            }
            #expect(mismatches == 0)
        }
    }

    @Test("replies come back out of order: a fast call overtakes a slow one")
    func outOfOrder() async throws {
        let probe = Probe()
        try await RPCTestServer.with(router: makeRouter(probe: probe)) { _, address, _ in
            let client = RPCClient.patient(address, connections: 1)
            defer { client.close() }
            // The slow call (a 60 s handler) is running on the server before the fast one is sent on the same
            // connection; the fast reply must arrive while the slow one is still pending (it is then cancelled).
            let first = try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask { _ = try await client.call(Sleep.self, .init(ms: 60_000)); return "slow" }
                #expect(await Eventually.wait(timeout: .seconds(10)) { probe.started.load(ordering: .relaxed) == 1 })
                group.addTask { _ = try await client.call(Echo.self, .init(value: "x", n: 1)); return "fast" }
                let first = try await group.next()
                group.cancelAll()
                return first
            }
            #expect(first == "fast")
        }
    }

    @Test("a call past its deadline fails with -32001 and the server abandons the handler")
    func deadline() async throws {
        let probe = Probe()
        try await RPCTestServer.with(router: makeRouter(probe: probe)) { server, address, _ in
            let client = RPCClient.patient(address, connections: 1)
            defer { client.close() }
            // Connect first, so the deadline covers the call and not the connection set-up.
            _ = try await client.call(Echo.self, .init(value: "warm", n: 0))
            let started = ContinuousClock.now
            let error = await #expect(throws: RPCError.self) {
                try await client.call(Sleep.self, .init(ms: 60_000), timeout: .milliseconds(150))
            }
            #expect(error?.code == RPCErrorCode.deadlineExceeded)
            #expect(ContinuousClock.now - started < .seconds(2))
            // The handler (a 60 s sleep) is abandoned: nothing stays in flight, and it never completes.
            // Under heavy load the call may be cancelled before its task even starts, so `started` may be 0.
            #expect(await Eventually.wait(timeout: .seconds(10)) { server.inFlightCalls == 0 })
            #expect(probe.completed.load(ordering: .relaxed) == 0)
            #expect(probe.cancelled.load(ordering: .relaxed) == probe.started.load(ordering: .relaxed))
            // The connection is still usable.
            let value1 = try await client.call(Echo.self, .init(value: "after", n: 1))
            #expect(value1.value == "after")
        }
    }

    @Test("cancelling the calling task cancels the call on the server")
    func cancellation() async throws {
        let probe = Probe()
        try await RPCTestServer.with(router: makeRouter(probe: probe)) { _, address, _ in
            let client = RPCClient.patient(address)
            defer { client.close() }
            let task = Task { try await client.call(Sleep.self, .init(ms: 5_000)) }
            #expect(await Eventually.wait(timeout: .seconds(10)) { probe.started.load(ordering: .relaxed) == 1 })
            task.cancel()
            let result = await task.result
            #expect(throws: RPCError.self) { try result.get() }
            #expect(await Eventually.wait(timeout: .seconds(10)) { probe.cancelled.load(ordering: .relaxed) == 1 })
        }
    }

    @Test("calls to a server that is down fail fast with -32010")
    func notConnected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let client = RPCClient(address: .unix(path: directory.file("nobody.sock")))
        let started = ContinuousClock.now
        let error = await #expect(throws: RPCError.self) { try await client.call(Echo.self, .init(value: "x", n: 1)) }
        #expect(error?.code == RPCErrorCode.notConnected)
        // Well before the 10 s default deadline (generous: the whole suite shares two cores).
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("after the server restarts, the client reconnects and later calls succeed")
    func reconnect() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let address = RPCAddress.unix(path: directory.file("restart.sock"))
        let client = RPCClient(configuration: .init(address: address, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200)))
        defer { client.close() }
        try await RPCTestServer.with(router: makeRouter(), address: address) { _, _, _ in
            let value2 = try await client.call(Echo.self, .init(value: "first", n: 1))
            #expect(value2.value == "first")
        }
        // Down: fails (not connected or lost), never hangs.
        await #expect(throws: RPCError.self) { try await client.call(Echo.self, .init(value: "down", n: 2)) }
        try await RPCTestServer.with(router: makeRouter(), address: address) { _, _, _ in
            let recovered = await Eventually.wait(timeout: .seconds(3), interval: .milliseconds(50)) {
                (try? await client.call(Echo.self, .init(value: "second", n: 3)).value) == "second"
            }
            #expect(recovered)
        }
    }

    @Test("graceful shutdown finishes in-flight calls, then refuses new ones")
    func drain() async throws {
        let probe = Probe()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let address = RPCAddress.unix(path: directory.file("drain.sock"))
        try await RPCTestServer.with(router: makeRouter(probe: probe), address: address) { server, address, group in
            let client = RPCClient.patient(address, connections: 1)
            defer { client.close() }
            async let slow = client.call(Sleep.self, .init(ms: 400))
            #expect(await Eventually.wait(timeout: .seconds(10)) { probe.started.load(ordering: .relaxed) == 1 })
            await group.triggerGracefulShutdown()
            let result = try await slow
            #expect(result.slept == 400)
            #expect(probe.completed.load(ordering: .relaxed) == 1)
            // The server has stopped listening: new calls fail instead of running.
            #expect(await Eventually.wait(timeout: .seconds(10)) {
                do { _ = try await client.call(Echo.self, .init(value: "late", n: 1)); return false } catch { return true }
            })
        }
    }

    @Test("notifications reach subscribers and stop after unsubscribe")
    func notifications() async throws {
        let hub = NotificationHub()
        try await RPCTestServer.with(router: makeRouter(hub: hub), hub: hub) { _, address, _ in
            let client = RPCClient.patient(address)
            defer { client.close() }
            let raw = try await LineClient(address: address)
            let subscribed = try #require(try await raw.exchange(#"{"jsonrpc":"2.0","id":1,"method":"rpc.subscribe","params":{"topics":["prices.*"]}}"#))
            #expect((subscribed["result"] as? [String: Any])?["topics"] as? [String] == ["prices.*"])
            let value3 = try await client.call(Publish.self, .init(topic: "prices.btc", value: 1))
            #expect(value3.delivered == 1)
            let value4 = try await client.call(Publish.self, .init(topic: "news.item", value: 2))
            #expect(value4.delivered == 0)
            let note = try #require(try await raw.readObject())
            #expect(note["method"] as? String == "prices.btc")
            #expect(note["id"] == nil)
            #expect((note["params"] as? [String: Any])?["value"] as? Int == 1)
            let unsubscribed = try #require(try await raw.exchange(#"{"jsonrpc":"2.0","id":2,"method":"rpc.unsubscribe","params":{"topics":["prices.*"]}}"#))
            #expect((unsubscribed["result"] as? [String: Any])?["topics"] as? [String] == [])
            let value5 = try await client.call(Publish.self, .init(topic: "prices.btc", value: 3))
            #expect(value5.delivered == 0)
        }
    }

    @Test("a subscription stream re-subscribes by itself after the server restarts")
    func subscriptionSurvivesRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let address = RPCAddress.unix(path: directory.file("sub.sock"))
        let client = RPCClient(configuration: .init(address: address, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100)))
        defer { client.close() }
        let log = EventLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in client.subscribe(topics: ["ticks"]) {
                    switch event {
                    case .connected: log.append("connected")
                    case .disconnected: log.append("disconnected")
                    case .notification(let note): log.append("tick \((try? note.decode(Tick.self).value) ?? -1)")
                    }
                }
            }
            for round in 1...2 {
                let hub = NotificationHub()
                try await RPCTestServer.with(router: makeRouter(hub: hub), hub: hub, address: address) { _, _, _ in
                    #expect(await Eventually.wait(timeout: .seconds(5)) { hub.subscriberCount(topic: "ticks") == 1 })
                    hub.publish(topic: "ticks", Tick(value: round))
                    #expect(await Eventually.wait(timeout: .seconds(10)) { log.lines.contains("tick \(round)") })
                }
                #expect(await Eventually.wait(timeout: .seconds(10)) { log.lines.filter { $0 == "disconnected" }.count == round })
            }
            group.cancelAll()
        }
        #expect(log.lines == ["connected", "tick 1", "disconnected", "connected", "tick 2", "disconnected"])
    }
}

/// A thread-safe list of observed events.
final class EventLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
