import Logging
import RPC
import ServiceLifecycle

/// Runs an in-process RPC server for the duration of a test body.
public enum RPCTestServer {
    /// Starts a server with `router` at `address` (a fresh Unix socket when nil), runs `body`, then shuts it down gracefully.
    /// `handlersOnEventLoop` is the server option of that name (default on, as in the services).
    public static func with<T: Sendable>(
        router: RPCRouter, hub: NotificationHub = NotificationHub(), address: RPCAddress? = nil, maxFrameBytes: Int = 8 << 20,
        handlersOnEventLoop: Bool = true,
        _ body: @Sendable (RPCServer, RPCAddress, ServiceGroup) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory(prefix: "rpc")
        defer { directory.remove() }
        let address = address ?? .unix(path: directory.file("test.sock"))
        let logger = Logger(label: "rpc-test")
        let server = RPCServer(configuration: .init(address: address, serviceName: "test", maxFrameBytes: maxFrameBytes,
                                                     handlersOnEventLoop: handlersOnEventLoop),
                               router: router, hub: hub, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            let bound = try await server.listeningAddress()
            do {
                let result = try await body(server, bound, group)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
