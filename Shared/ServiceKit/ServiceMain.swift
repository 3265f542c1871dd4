import Contracts
import Foundation
import Logging
import Metrics
import RPC
import ServiceLifecycle
import UnixSignals

/// What a service assembles before it runs: its RPC methods, background services and health checks.
public struct ServiceSetup: Sendable {
    /// Which service this is.
    public let name: ServiceName
    /// The process configuration.
    public let settings: Settings
    /// The service's root logger.
    public let logger: Logger
    /// Health checks reported by `system.health`.
    public let health: HealthRegistry
    /// The hub for this service's notifications.
    public let hub: NotificationHub
    /// RPC methods; `system.*` are added automatically.
    public var router = RPCRouter()
    /// Long-lived services run beside the RPC server (pollers, housekeeping).
    public var services: [any Service] = []

    init(name: ServiceName, settings: Settings, logger: Logger) {
        self.name = name
        self.settings = settings
        self.logger = logger
        self.health = HealthRegistry()
        self.hub = NotificationHub()
        health.register("process") { ProcessCheck.check() }
    }
}

/// Process bootstrap shared by every backend service: logging, metrics, RPC server, `system.*` methods, signals.
public enum ServiceMain {
    /// Bootstraps logging and metrics for `name` and returns the settings and root logger.
    public static func bootstrap(_ name: ServiceName, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (Settings, Logger) {
        let settings = Settings(environment: environment)
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, level: settings.logLevel) }
        MetricsExport.bootstrap()
        return (settings, Logger(label: name.executable))
    }

    /// Runs a backend service until SIGTERM/SIGINT: builds its setup with `configure`, then runs the RPC server and
    /// the configured services in one `ServiceGroup`. In-flight calls finish before the process exits.
    public static func run(_ name: ServiceName, configure: (inout ServiceSetup) async throws -> Void) async throws {
        let (settings, logger) = bootstrap(name)
        var setup = ServiceSetup(name: name, settings: settings, logger: logger)
        try await configure(&setup)
        let group = try makeGroup(setup)
        logger.info("starting", metadata: ["version": "\(ProductVersion.current)", "pid": "\(getpid())"])
        try await group.run()
    }

    /// Builds the service group of a configured service (exposed for tests that run a service in-process).
    public static func makeGroup(_ setup: ServiceSetup, signals: [UnixSignal] = [.sigterm, .sigint]) throws -> ServiceGroup {
        let server = try makeServer(setup)
        return ServiceGroup(configuration: .init(
            services: [.init(service: server)] + setup.services.map { .init(service: $0) },
            gracefulShutdownSignals: signals,
            cancellationSignals: [],
            logger: setup.logger))
    }

    /// Builds the RPC server with the `system.*` methods added to the service's router.
    public static func makeServer(_ setup: ServiceSetup) throws -> RPCServer {
        let address = try setup.settings.rpcAddress(of: setup.name)
        var router = setup.router
        let health = setup.health
        let name = setup.name
        let settings = setup.settings
        let startedAt = Int64(Date().timeIntervalSince1970 * 1_000)
        router.register(System.Health.self) { _, _ in await health.report(service: name.executable) }
        router.register(System.Metrics.self) { _, _ in .init(text: MetricsExport.text()) }
        if settings.string("rpc.debug.methods") == "true" {
            router.register(System.DebugSleep.self) { params, _ in
                try await Task.sleep(for: .milliseconds(min(max(params.ms, 0), 60_000)))
                return params
            }
        }
        let methods = (router.methodNames + [System.Info.name]).sorted()
        router.register(System.Info.self) { _, _ in
            ServiceInfo(service: name.executable, version: ProductVersion.current, pid: getpid(), startedAt: startedAt,
                        uptimeS: health.uptime, rpcAddress: "\(address)", methods: methods, environment: settings.environment)
        }
        return RPCServer(configuration: .init(address: address, serviceName: name.executable,
                                              maxFrameBytes: settings.int("rpc.max.frame.bytes", default: 8 << 20)),
                         router: router, hub: setup.hub, logger: setup.logger)
    }
}
