import Contracts
import ServiceKit

/// market-svc: prices, markets, trending, global figures and OHLCV from many providers.
public enum MarketService {
    /// Registers market-svc's RPC methods, services and health checks.
    public static func configure(_ setup: inout ServiceSetup) async throws {
        setup.health.register("providers") {
            ComponentCheck(name: "providers", status: .healthy, detail: "no provider adapters configured yet")
        }
    }
}
