import Contracts
import Foundation
import RPC
import Testing
import TestSupport

/// Single service processes started directly: signals, system methods, TCP addresses.
@Suite("service processes", .timeLimit(.minutes(2)))
struct ServiceProcessTests {
    @Test("SIGTERM drains: an in-flight call completes, then the process exits 0", arguments: ["store-svc", "market-svc"])
    func sigtermDrains(executable: String) async throws {
        let directory = try TemporaryDirectory(prefix: "drain")
        defer { directory.remove() }
        let service = try ServiceProcess(
            executable: BuiltProducts.path(executable),
            environment: ["DATA_DIR": directory.file("data"), "SOCKET_DIR": directory.file("run"), "RPC_DEBUG_METHODS": "true"],
            logPath: directory.file("\(executable).log"))
        let name = executable == "store-svc" ? "store.sock" : "market.sock"
        let client = RPCClient.patient(.unix(path: directory.file("run/\(name)")), connections: 1)
        defer { client.close() }
        let ready = await Eventually.wait(timeout: .seconds(20)) {
            (try? await client.call(System.Info.self, NoParams(), timeout: .milliseconds(500))) != nil
        }
        #expect(ready, "\(service.output())")
        async let slow = client.call(System.DebugSleep.self, .init(ms: 1_500))
        try await Task.sleep(for: .milliseconds(500))
        service.signal(SIGTERM)
        let result = try await slow
        #expect(result.ms == 1_500)
        let status = await service.waitForExit(timeout: .seconds(10))
        #expect(status == 0, "\(service.output())")
        #expect(!FileManager.default.fileExists(atPath: directory.file("run/\(name)")))
    }

    @Test("system.info and system.health over a TCP address")
    func tcpAddress() async throws {
        let directory = try TemporaryDirectory(prefix: "tcp")
        defer { directory.remove() }
        let port = try FreePort.next()
        let service = try ServiceProcess(
            executable: BuiltProducts.path("defi-svc"),
            environment: ["DATA_DIR": directory.file("data"), "DEFI_RPC_ADDRESS": "tcp://127.0.0.1:\(port)"],
            logPath: directory.file("defi.log"))
        let client = RPCClient.patient(.tcp(host: "127.0.0.1", port: port))
        defer { client.close() }
        var info: ServiceInfo?
        _ = await Eventually.wait(timeout: .seconds(20)) {
            info = try? await client.call(System.Info.self, NoParams(), timeout: .milliseconds(500))
            return info != nil
        }
        let answered = try #require(info, "\(service.output())")
        #expect(answered.service == "defi-svc")
        #expect(answered.pid == service.pid)
        #expect(answered.rpcAddress == "tcp://127.0.0.1:\(port)")
        #expect(answered.methods.contains("system.health"))
        let health = try await client.call(System.Health.self, NoParams())
        #expect(health.service == "defi-svc")
        #expect(health.checks.contains { $0.name == "process" })
        let metrics = try await client.call(System.Metrics.self, NoParams())
        #expect(metrics.text.contains("rpc_server_calls_total"))
        await service.stop()
        #expect(!service.isRunning)
    }
}
