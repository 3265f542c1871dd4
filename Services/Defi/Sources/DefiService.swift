import Contracts
import Logging
import ProviderKit
import RPC
import ServiceKit
import ServiceLifecycle
import StoreClient
import Synchronization

/// defi-svc: DefiLlama TVL by protocol and chain, daily TVL history, hourly snapshots to store-svc and
/// `defi.update` notifications.
public enum DefiService {
    /// Registers defi-svc's RPC methods, services and health checks.
    public static func configure(_ setup: inout ServiceSetup) async throws {
        let settings = setup.settings
        let defiSettings = DefiSettings(settings: settings)
        let http = ProviderHTTP(configuration: .init(
            connectTimeout: settings.seconds("provider.connect.timeout", default: 2),
            requestTimeout: settings.seconds("provider.timeout", default: 5),
            maxBodyBytes: settings.int("provider.max.body.bytes", default: 64 << 20)))
        let endpoint = ProviderEndpoint(configuration: DefiSettings.endpoint(settings), http: http, logger: setup.logger)
        let engine = DefiEngine(settings: defiSettings, endpoint: endpoint, logger: setup.logger)
        register(engine, on: &setup.router)

        let strict = settings.string("provider.health.strict", default: "false") == "true"
        setup.health.register("provider:defillama") { endpoint.healthCheck(openStatus: strict ? HealthStatus.degraded : HealthStatus.healthy) }
        if defiSettings.collectorEnabled {
            var sink: any DefiSnapshotSink = NoSnapshotSink()
            if defiSettings.historyEnabled {
                let writer = BufferedStoreWriter(client: RPCClient(address: try settings.rpcAddress(of: .store)), logger: setup.logger)
                setup.services.append(writer)
                setup.health.register("store-writer") { writer.healthCheck() }
                sink = StoreSnapshotSink(writer: writer)
            }
            let status = DefiCollector.StatusBox()
            let every = defiSettings.snapshotEvery
            setup.health.register("collector") {
                DefiCollector.healthCheck(status, every: every, failingStatus: strict ? HealthStatus.degraded : HealthStatus.healthy)
            }
            setup.services.append(DefiCollector(engine: engine, hub: setup.hub, sink: sink, logger: setup.logger, status: status))
        }
        setup.services.append(HTTPClientShutdown(http: http))
    }

    /// Registers the `defi.*` methods. They filter, sort and merge lists of thousands of protocols or daily points
    /// per call — CPU work of milliseconds — so they run on the concurrency pool, not on the connection's event loop.
    static func register(_ engine: DefiEngine, on router: inout RPCRouter) {
        router.register(Defi.Protocols.self, placement: .concurrencyPool) { params, _ in try await engine.protocols(params) }
        router.register(Defi.ProtocolDetail.self, placement: .concurrencyPool) { params, _ in try await engine.protocolDetail(params) }
        router.register(Defi.Chains.self, placement: .concurrencyPool) { params, _ in try await engine.chains(params) }
        router.register(Defi.TvlChart.self, placement: .concurrencyPool) { params, _ in try await engine.tvlChart(params) }
    }
}

/// Closes the shared provider HTTP client when the process shuts down.
struct HTTPClientShutdown: Service {
    let http: ProviderHTTP

    /// Waits for graceful shutdown, then closes the client.
    func run() async throws {
        try? await gracefulShutdown()
        await http.shutdown()
    }
}
