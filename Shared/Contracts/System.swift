import RPC

/// Overall or per-component health.
public enum HealthStatus: String, Sendable, Hashable, Codable, Comparable {
    case healthy, degraded, unhealthy

    private var rank: Int {
        switch self {
        case .healthy: 0
        case .degraded: 1
        case .unhealthy: 2
        }
    }

    public static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool { lhs.rank < rhs.rank }
}

/// One component's check inside a service (a provider, the database, a feed, the model).
public struct ComponentCheck: Sendable, Hashable, Codable {
    /// Component name (`database`, `provider:coingecko`).
    public var name: String
    /// Its status.
    public var status: HealthStatus
    /// Why it is not healthy, or a short note.
    public var detail: String?
    /// Extra observations (counts, ages).
    public var observed: [String: JSON]?

    /// Creates a check result.
    public init(name: String, status: HealthStatus, detail: String? = nil, observed: [String: JSON]? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.observed = observed
    }
}

/// A service's answer to `system.health`.
public struct HealthReport: Sendable, Hashable, Codable {
    /// Service name (`market-svc`).
    public var service: String
    /// Product version.
    public var version: String
    /// Worst status of its checks.
    public var status: HealthStatus
    /// Seconds since the process started.
    public var uptimeS: Double
    /// Process id.
    public var pid: Int32
    /// Component checks.
    public var checks: [ComponentCheck]

    /// Creates a report.
    public init(service: String, version: String, status: HealthStatus, uptimeS: Double, pid: Int32, checks: [ComponentCheck]) {
        self.service = service
        self.version = version
        self.status = status
        self.uptimeS = uptimeS
        self.pid = pid
        self.checks = checks
    }

    enum CodingKeys: String, CodingKey {
        case service, version, status, uptimeS = "uptime_s", pid, checks
    }
}

/// A service's answer to `system.info`.
public struct ServiceInfo: Sendable, Hashable, Codable {
    /// Service name.
    public var service: String
    /// Product version.
    public var version: String
    /// Process id.
    public var pid: Int32
    /// Start time (epoch ms).
    public var startedAt: Int64
    /// Seconds since start.
    public var uptimeS: Double
    /// Where its RPC server listens.
    public var rpcAddress: String
    /// The RPC methods it answers.
    public var methods: [String]
    /// `development` or `production`.
    public var environment: String

    /// Creates the info.
    public init(service: String, version: String, pid: Int32, startedAt: Int64, uptimeS: Double, rpcAddress: String,
                methods: [String], environment: String) {
        self.service = service
        self.version = version
        self.pid = pid
        self.startedAt = startedAt
        self.uptimeS = uptimeS
        self.rpcAddress = rpcAddress
        self.methods = methods
        self.environment = environment
    }

    enum CodingKeys: String, CodingKey {
        case service, version, pid, startedAt = "started_at", uptimeS = "uptime_s", rpcAddress = "rpc_address", methods, environment
    }
}

/// Methods every service answers.
public enum System {
    /// `system.health`: the service's own component checks.
    public enum Health: RPCMethod {
        public static let name = "system.health"
        public typealias Params = NoParams
        public typealias Result = HealthReport
    }

    /// `system.info`: name, version, pid, uptime, address, methods.
    public enum Info: RPCMethod {
        public static let name = "system.info"
        public typealias Params = NoParams
        public typealias Result = ServiceInfo
    }

    /// `system.metrics`: the service's metrics in Prometheus text format.
    public enum Metrics: RPCMethod {
        public static let name = "system.metrics"
        public typealias Params = NoParams
        /// The exposition text.
        public struct Result: Codable, Sendable, Hashable {
            /// Prometheus text format 0.0.4.
            public var text: String
            /// Creates the result.
            public init(text: String) { self.text = text }
        }
    }

    /// `system.debug.sleep`: sleeps, then answers. Registered only when `RPC_DEBUG_METHODS=true` (tests of draining).
    public enum DebugSleep: RPCMethod {
        public static let name = "system.debug.sleep"
        /// How long to sleep.
        public struct Params: Codable, Sendable, Hashable {
            /// Milliseconds.
            public var ms: Int
            /// Creates the parameters.
            public init(ms: Int) { self.ms = ms }
        }
        public typealias Result = Params
    }
}
