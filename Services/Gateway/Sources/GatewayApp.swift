import Contracts
import Hummingbird
import Logging
import ServiceKit

/// Builds the gateway's HTTP application: middleware, routes and the backend clients.
public enum GatewayApp {
    /// Dependencies of the routes, replaceable in tests.
    public struct Dependencies: Sendable {
        /// Probes backend health.
        public var health: any HealthProbe
        /// Backend RPC clients.
        public var backends: Backends

        /// Creates the dependencies.
        public init(health: any HealthProbe, backends: Backends) {
            self.health = health
            self.backends = backends
        }

        /// The route areas beyond health and documentation, in registration order.
        func areas(settings: Settings) -> [any RouteArea] {
            [
                MarketRoutes(backends: backends, settings: settings),
                HistoryRoutes(backends: backends),
                SentimentRoutes(backends: backends),
            ]
        }

        /// The production dependencies: RPC clients at the configured addresses.
        public static func live(settings: Settings) throws -> Dependencies {
            let backends = try Backends(settings: settings)
            return Dependencies(health: RPCHealthProbe(backends: backends), backends: backends)
        }
    }

    /// Builds the router with every route and middleware.
    public static func makeRouter(settings: Settings, logger: Logger, dependencies: Dependencies,
                                  live: LiveStreams? = nil) -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        router.add(middleware: EdgeMiddleware(logger: logger, accessLog: settings.string("access.log", default: "true") != "false"))
        HealthController(probe: dependencies.health, services: ServiceName.backends,
                         timeout: settings.seconds("health.probe.timeout", default: 0.8))
            .addRoutes(to: router)
        let areas = dependencies.areas(settings: settings) + (live.map { [$0.routes] } ?? [])
        for area in areas { area.addRoutes(to: router) }
        OpenAPIController(document: OpenAPIDocument.make(version: ProductVersion.current, fragments: areas.map(\.openAPI)))
            .addRoutes(to: router)
        return router
    }

    /// Builds the application listening on `$PORT` on all interfaces, with `/ws` and its upstream feeds.
    public static func makeApplication(settings: Settings, logger: Logger, dependencies: Dependencies,
                                       host: String = "0.0.0.0") -> some ApplicationProtocol {
        let live = LiveStreams(settings: settings, dependencies: dependencies, logger: logger)
        let responder = makeRouter(settings: settings, logger: logger, dependencies: dependencies, live: live).buildResponder()
        return Application(responder: responder,
                           server: .gatewayLive(configuration: live.channelConfiguration, decide: live.decider(responder)),
                           configuration: .init(address: .hostname(host, port: settings.port), serverName: nil),
                           services: [live.service],
                           logger: logger)
    }
}
