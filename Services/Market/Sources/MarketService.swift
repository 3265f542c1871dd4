import Contracts
import Logging
import ProviderKit
import RPC
import ServiceKit
import ServiceLifecycle
import StoreClient

/// market-svc: prices, markets, trending, global figures and OHLCV from many providers.
public enum MarketService {
    /// Registers market-svc's RPC methods, services and health checks.
    public static func configure(_ setup: inout ServiceSetup) async throws {
        let settings = setup.settings
        let http = ProviderHTTP(configuration: .init(
            connectTimeout: settings.seconds("provider.connect.timeout", default: 1),
            requestTimeout: settings.seconds("provider.timeout", default: 1.5),
            maxBodyBytes: settings.int("provider.max.body.bytes", default: 16 << 20)))
        let endpoints = ProviderSettings.endpoints(settings).map {
            ProviderEndpoint(configuration: $0, http: http, logger: setup.logger)
        }
        let engine = MarketEngine(settings: MarketSettings(settings: settings), registry: AssetRegistry(),
                                  endpoints: endpoints, logger: setup.logger)
        register(engine, on: &setup.router)

        let openStatus: HealthStatus = settings.string("provider.health.strict", default: "false") == "true" ? .degraded : .healthy
        for endpoint in endpoints {
            let coincapSkipped = endpoint.name == "coincap" && endpoint.configuration.apiKey == nil
            setup.health.register("provider:\(endpoint.name)") {
                coincapSkipped
                    ? ComponentCheck(name: "provider:coincap", status: .healthy, detail: "skipped: COINCAP_API_KEY is not set")
                    : endpoint.healthCheck(openStatus: openStatus)
            }
        }
        if settings.string("market.collector.enabled", default: "true") != "false" {
            var sink: any MarketHistorySink = NoHistorySink()
            if settings.string("market.history", default: "on") != "off" {
                let writer = BufferedStoreWriter(client: RPCClient(address: try settings.rpcAddress(of: .store)), logger: setup.logger)
                setup.services.append(writer)
                setup.health.register("store-writer") { writer.healthCheck() }
                sink = StoreHistorySink(writer: writer)
            }
            setup.services.append(MarketCollector(configuration: .init(settings: settings), engine: engine, hub: setup.hub,
                                                  sink: sink, logger: setup.logger))
        }
        setup.services.append(HTTPClientShutdown(http: http))
    }

    /// Registers the `market.*` methods.
    static func register(_ engine: MarketEngine, on router: inout RPCRouter) {
        router.register(Market.Prices.self) { params, _ in try await engine.prices(params) }
        router.register(Market.Markets.self) { params, _ in try await engine.markets(params) }
        router.register(Market.Global.self) { _, _ in try await engine.global() }
        router.register(Market.Trending.self) { _, _ in try await engine.trending() }
        router.register(Market.OHLCV.self) { params, _ in try await engine.ohlcv(params) }
        router.register(Market.Resolve.self) { params, _ in try engine.resolve(params) }
    }
}

/// Closes the shared provider HTTP client when the process shuts down.
struct HTTPClientShutdown: Service {
    let http: ProviderHTTP

    func run() async throws {
        try? await gracefulShutdown()
        await http.shutdown()
    }
}
