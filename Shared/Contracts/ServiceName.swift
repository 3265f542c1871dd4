import Foundation

/// The six processes of the system and where each one listens.
public enum ServiceName: String, Sendable, Hashable, Codable, CaseIterable {
    case gateway
    case market
    case defi
    case newsSentiment = "news-sentiment"
    case store
    case monitor

    /// The backend services the gateway talks to over RPC, in start order (store first).
    public static let backends: [ServiceName] = [.store, .market, .defi, .newsSentiment, .monitor]

    /// The executable's name (`market-svc`; the gateway is `gateway`).
    public var executable: String { self == .gateway ? "gateway" : "\(rawValue)-svc" }

    /// The socket file name in `$SOCKET_DIR` (`market.sock`).
    public var socketFile: String { "\(rawValue).sock" }

    /// The configuration key of this service's RPC address override (`market.rpc.address` ↔ `MARKET_RPC_ADDRESS`).
    public var addressKey: String { "\(rawValue.replacingOccurrences(of: "-", with: "_")).rpc.address" }
}

/// The product version reported by `system.info` and `/api/health`.
public enum ProductVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
