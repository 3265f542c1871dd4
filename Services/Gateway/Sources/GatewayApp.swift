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
        /// Authentication, limits and audit; when nil, `makeRouter` builds an ephemeral one (route tests).
        public var security: GatewaySecurity?

        /// Creates the dependencies.
        public init(health: any HealthProbe, backends: Backends, security: GatewaySecurity? = nil) {
            self.health = health
            self.backends = backends
            self.security = security
        }

        /// The route areas beyond health and documentation, in registration order.
        func areas(settings: Settings) -> [any RouteArea] {
            [
                MarketRoutes(backends: backends, settings: settings),
                HistoryRoutes(backends: backends),
                SentimentRoutes(backends: backends),
                DefiRoutes(backends: backends),
                NewsRoutes(backends: backends),
            ]
        }

        /// The production dependencies: RPC clients at the configured addresses, security from the settings (throws
        /// a ``ConfigurationError`` for settings the gateway must not start with).
        public static func live(settings: Settings, logger: Logger = Logger(label: "gateway")) throws -> Dependencies {
            let backends = try Backends(settings: settings)
            return Dependencies(health: RPCHealthProbe(backends: backends), backends: backends,
                                security: try GatewaySecurity.live(settings: settings, backends: backends, logger: logger))
        }
    }

    /// Builds the router with every route and middleware.
    public static func makeRouter(settings: Settings, logger: Logger, dependencies: Dependencies,
                                  live: LiveStreams? = nil) -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        let edge = EdgeMiddleware(logger: logger, accessLog: settings.string("access.log", default: "true") != "false")
        router.add(middleware: edge)
        let security = dependencies.security ?? GatewaySecurity.ephemeral(settings: settings, backends: dependencies.backends)
        if !security.configuration.corsOrigins.isEmpty {
            router.add(middleware: CORSMiddleware(origins: security.configuration.corsOrigins))
        }
        if security.configuration.enabled {
            router.add(middleware: AuthMiddleware(security: security, edge: edge))
        }
        HealthController(probe: dependencies.health, services: ServiceName.backends,
                         timeout: settings.seconds("health.probe.timeout", default: 0.8), adminKey: security.adminKeyStatus)
            .addRoutes(to: router)
        // With GATEWAY_AUTH=off (benchmark baseline) nothing could protect key administration: it is not served.
        let securityAreas: [any RouteArea] = security.configuration.enabled
            ? [KeyRoutes(security: security), TokenRoutes(security: security)] : []
        let areas = dependencies.areas(settings: settings) + securityAreas
            + (live.map { [$0.routes] } ?? [])
        for area in areas { area.addRoutes(to: router) }
        let document = OpenAPIDocument.make(version: ProductVersion.current, fragments: areas.map(\.openAPI))
        OpenAPIController(document: AuthOpenAPI.annotate(document, policy: security.policy))
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
