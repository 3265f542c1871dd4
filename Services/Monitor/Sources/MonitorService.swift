import Contracts
import ServiceKit

/// monitor-svc: watches the other services and providers; diagnostics.
public enum MonitorService {
    /// Registers monitor-svc's RPC methods, services and health checks.
    public static func configure(_ setup: inout ServiceSetup) async throws {}
}
