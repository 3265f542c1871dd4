/// The kinds of fault the replay upstream can inject.
public enum FaultKind: String, Codable, Sendable, CaseIterable {
    /// Wait `latency_ms`, then answer normally.
    case latency
    /// Answer with `status` (and `body`, or the matching `on_fault: "status"` capture).
    case status
    /// Answer 429 with `Retry-After` (and the matching `on_fault: "rate_limit"` capture when there is one).
    case rateLimit = "rate_limit"
    /// Answer 200 with a truncated, unparseable body.
    case garbage
    /// Close the TCP connection (with a RST) without writing any response.
    case reset
    /// Never answer; the connection stays open until the client gives up or the server stops.
    case hang
    /// Stream `size_bytes` of body.
    case oversize
}

/// A fault as posted to `POST /_control/faults`.
///
/// ```json
/// {"path": "/coingecko/*", "fault": "rate_limit", "retry_after_s": 30, "times": 2}
/// ```
public struct FaultSpec: Codable, Sendable, Equatable {
    /// Exact request path, or a prefix ending in `*`.
    public var path: String
    /// Only requests with this method are affected; any method when absent.
    public var method: String?
    /// What to do.
    public var fault: FaultKind
    /// Delay for `latency` (required there).
    public var latencyMs: Int?
    /// Status for `status` (default 503).
    public var status: Int?
    /// `Retry-After` seconds for `rate_limit` (and optionally `status`).
    public var retryAfterS: Int?
    /// Body for `status`, `rate_limit` and `garbage`, replacing the default.
    public var body: String?
    /// How many requests the fault applies to; until cleared when absent.
    public var times: Int?
    /// Body size for `oversize` (default 8 MiB).
    public var sizeBytes: Int?

    /// Creates a fault specification.
    public init(
        path: String, method: String? = nil, fault: FaultKind, latencyMs: Int? = nil, status: Int? = nil,
        retryAfterS: Int? = nil, body: String? = nil, times: Int? = nil, sizeBytes: Int? = nil
    ) {
        self.path = path
        self.method = method
        self.fault = fault
        self.latencyMs = latencyMs
        self.status = status
        self.retryAfterS = retryAfterS
        self.body = body
        self.times = times
        self.sizeBytes = sizeBytes
    }

    /// Snake-case names used on the wire.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, method, fault, status, body, times
        case latencyMs = "latency_ms"
        case retryAfterS = "retry_after_s"
        case sizeBytes = "size_bytes"
    }

    /// Decodes a fault, rejecting unknown fields (so `"latencyMs"` is an error, not a zero delay).
    public init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, allowed: CodingKeys.self, what: "fault")
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            path: try container.decode(String.self, forKey: .path),
            method: try container.decodeIfPresent(String.self, forKey: .method),
            fault: try container.decode(FaultKind.self, forKey: .fault),
            latencyMs: try container.decodeIfPresent(Int.self, forKey: .latencyMs),
            status: try container.decodeIfPresent(Int.self, forKey: .status),
            retryAfterS: try container.decodeIfPresent(Int.self, forKey: .retryAfterS),
            body: try container.decodeIfPresent(String.self, forKey: .body),
            times: try container.decodeIfPresent(Int.self, forKey: .times),
            sizeBytes: try container.decodeIfPresent(Int.self, forKey: .sizeBytes))
    }

    /// Default `oversize` body size.
    public static let defaultOversizeBytes = 8 * 1024 * 1024
    /// Largest accepted `oversize` body (1 GiB).
    static let maximumOversizeBytes = 1 << 30
    /// Largest accepted `latency_ms` (10 minutes).
    static let maximumLatencyMs = 600_000

    /// Checks the parameters the fault kind needs.
    /// - Throws: ``ReplayError/invalidSpecification(_:)`` naming the bad field.
    func validate() throws {
        _ = try PathPattern(self.path)
        if let times, times < 1 {
            throw ReplayError.invalidSpecification("times must be at least 1 (omit it for \"until cleared\")")
        }
        if let retryAfterS, retryAfterS < 0 {
            throw ReplayError.invalidSpecification("retry_after_s must not be negative")
        }
        switch self.fault {
        case .latency:
            guard let latencyMs else {
                throw ReplayError.invalidSpecification("a latency fault needs latency_ms")
            }
            guard (0...Self.maximumLatencyMs).contains(latencyMs) else {
                throw ReplayError.invalidSpecification("latency_ms must be between 0 and \(Self.maximumLatencyMs)")
            }
        case .status:
            if let status, !(200...599).contains(status) {
                throw ReplayError.invalidSpecification("status must be between 200 and 599, not \(status)")
            }
        case .oversize:
            if let sizeBytes, !(1...Self.maximumOversizeBytes).contains(sizeBytes) {
                throw ReplayError.invalidSpecification("size_bytes must be between 1 and \(Self.maximumOversizeBytes)")
            }
        case .rateLimit, .garbage, .reset, .hang:
            break
        }
    }
}

/// A fault that is currently installed.
public struct ActiveFault: Codable, Sendable, Equatable {
    /// Identifier returned by `POST /_control/faults`.
    public var id: Int
    /// The fault as posted.
    public var spec: FaultSpec
    /// Requests it will still affect; `nil` means until cleared.
    public var remaining: Int?
    /// Requests it has affected so far.
    public var applied: Int

    /// Wire names.
    enum CodingKeys: String, CodingKey { case id, spec, remaining, applied }
}
