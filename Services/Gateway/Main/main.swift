import Foundation
import Gateway
import Hummingbird
import ServiceKit
import ServiceLifecycle

let (settings, logger) = ServiceMain.bootstrap(.gateway)
let dependencies: GatewayApp.Dependencies
do {
    dependencies = try GatewayApp.Dependencies.live(settings: settings, logger: logger)
} catch let error as ConfigurationError {
    logger.critical("refusing to start: \(error.message)")
    exit(78) // EX_CONFIG
}
let app = GatewayApp.makeApplication(settings: settings, logger: logger, dependencies: dependencies)
logger.info("gateway starting", metadata: ["port": "\(settings.port)"])
// The HTTP server stops first on SIGTERM (services stop in reverse order); the audit recorder and writer then drain.
let group = ServiceGroup(configuration: .init(
    services: (dependencies.security?.services ?? []).map { .init(service: $0) } + [.init(service: app)],
    gracefulShutdownSignals: [.sigterm, .sigint],
    cancellationSignals: [],
    logger: logger))
try await group.run()
dependencies.backends.close()
