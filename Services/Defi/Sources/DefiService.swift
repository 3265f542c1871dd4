import Contracts
import ServiceKit

/// defi-svc: DefiLlama TVL by protocol and chain.
public enum DefiService {
    /// Registers defi-svc's RPC methods, services and health checks.
    public static func configure(_ setup: inout ServiceSetup) async throws {}
}
