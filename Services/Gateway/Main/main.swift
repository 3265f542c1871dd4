import Gateway
import Hummingbird
import ServiceKit

let (settings, logger) = ServiceMain.bootstrap(.gateway)
let dependencies = try GatewayApp.Dependencies.live(settings: settings)
let app = GatewayApp.makeApplication(settings: settings, logger: logger, dependencies: dependencies)
logger.info("gateway starting", metadata: ["port": "\(settings.port)"])
try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
dependencies.backends.close()
