import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The replay upstream: an HTTP server on a loopback address that answers as the crypto data
/// providers would, from captured responses, with faults on demand.
///
/// In-process use from a test:
/// ```swift
/// let server = try ReplayServer(configuration: .init(fixturesDirectory: fixtures, routesFile: routes))
/// try await server.withRunning { address in
///     // point COINGECKO_BASE_URL at "\(address.baseURL)/coingecko/api/v3" …
/// }
/// ```
/// It is also a `Service`, so it can run inside a `ServiceGroup`. An instance runs once at a time.
public final class ReplayServer: Service, Sendable {
    /// The configuration it was created with.
    public let configuration: ReplayConfiguration
    /// Routes, faults and hits; tests may use it directly instead of the control API.
    public let store: ReplayStore

    private enum Binding {
        case waiting([CheckedContinuation<ReplayAddress, any Error>])
        case bound(ReplayAddress)
        case finished
    }

    private let binding = Mutex(Binding.waiting([]))
    private let onListening: (@Sendable (ReplayAddress) -> Void)?

    /// Checks the configuration and loads the routes file.
    /// - Parameters:
    ///   - configuration: address, fixtures and routes.
    ///   - onListening: called once, as soon as the port is bound (the executable prints the port here).
    /// - Throws: ``ReplayError`` for a non-loopback host, a bad port or a bad routes file.
    public init(
        configuration: ReplayConfiguration, onListening: (@Sendable (ReplayAddress) -> Void)? = nil
    ) throws {
        guard ReplayConfiguration.isLoopback(configuration.host) else {
            throw ReplayError.notLoopback(configuration.host)
        }
        guard (0...65535).contains(configuration.port) else {
            throw ReplayError.invalidSpecification("port \(configuration.port) is out of range")
        }
        let routes = try configuration.routesFile.map {
            try ReplayConfiguration.loadRoutes(from: $0, fixturesDirectory: configuration.fixturesDirectory)
        } ?? []
        self.configuration = configuration
        self.store = ReplayStore(fileRoutes: routes, fixturesDirectory: configuration.fixturesDirectory)
        self.onListening = onListening
    }

    /// The bound address, waiting until the server is listening.
    /// - Throws: ``ReplayError/notRunning`` when the server stopped (or failed to bind) first.
    public var address: ReplayAddress {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<ReplayAddress, any Error>? = self.binding.withLock { binding in
                    switch binding {
                    case .bound(let address): return .success(address)
                    case .finished: return .failure(ReplayError.notRunning)
                    case .waiting(var waiters):
                        waiters.append(continuation)
                        binding = .waiting(waiters)
                        return nil
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

    /// The bound port, waiting until the server is listening.
    public var port: Int {
        get async throws { try await self.address.port }
    }

    /// Runs the HTTP server until graceful shutdown or cancellation.
    public func run() async throws {
        self.prepareToRun()
        let host = self.configuration.host == "[::1]" ? "::1" : self.configuration.host
        let application = Application(
            responder: ReplayResponder(store: self.store),
            configuration: .init(address: .hostname(host, port: self.configuration.port), serverName: "replay-upstream"),
            onServerRunning: { [weak self] channel in self?.markBound(channel) },
            logger: self.configuration.logger
        )
        defer { self.markFinished() }
        try await application.run()
    }

    /// Runs the server, calls `body` with its address once it listens, then shuts it down
    /// gracefully (hanging requests are dropped) and waits until it has stopped.
    public func withRunning<Value>(_ body: (ReplayAddress) async throws -> Value) async throws -> Value {
        let group = ServiceGroup(
            configuration: .init(services: [self], logger: self.configuration.logger))
        self.prepareToRun()
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let value: Value
            do {
                value = try await body(try await self.address)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        }
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully (for the executable).
    public func runUntilSignalled() async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: self.configuration.logger))
        try await group.run()
    }

    /// Lets ``address`` wait again after a previous run finished.
    private func prepareToRun() {
        self.binding.withLock { binding in
            if case .finished = binding { binding = .waiting([]) }
        }
    }

    private func markBound(_ channel: any Channel) {
        let socket = channel.localAddress
        let address = ReplayAddress(
            host: socket?.ipAddress ?? self.configuration.host, port: socket?.port ?? self.configuration.port)
        let waiters = self.binding.withLock { binding -> [CheckedContinuation<ReplayAddress, any Error>] in
            guard case .waiting(let waiters) = binding else { return [] }
            binding = .bound(address)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: address) }
        self.onListening?(address)
    }

    private func markFinished() {
        let waiters = self.binding.withLock { binding -> [CheckedContinuation<ReplayAddress, any Error>] in
            defer { binding = .finished }
            guard case .waiting(let waiters) = binding else { return [] }
            return waiters
        }
        for waiter in waiters { waiter.resume(throwing: ReplayError.notRunning) }
    }
}
