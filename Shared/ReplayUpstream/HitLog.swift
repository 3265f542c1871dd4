/// One replayed request, as recorded in the hit log.
public struct HitRecord: Codable, Sendable, Equatable {
    /// Position in the log, from 1 since the last reset.
    public var seq: Int
    /// HTTP method.
    public var method: String
    /// Path as sent.
    public var path: String
    /// Decoded query parameters (last value wins when a name repeats).
    public var query: [String: String]
    /// Raw query string as sent, without `?`.
    public var rawQuery: String?
    /// Request headers with lower-case names (`if-none-match`, `x-cg-pro-api-key`, …).
    public var headers: [String: String]
    /// Status answered; `nil` when the connection was reset or left hanging.
    public var status: Int?
    /// The route that answered (its name, or its file), if any.
    public var route: String?
    /// The fault applied, if any.
    public var fault: FaultKind?

    /// Snake-case names used on the wire.
    enum CodingKeys: String, CodingKey {
        case seq, method, path, query, headers, status, route, fault
        case rawQuery = "raw_query"
    }
}

/// The body of `GET /_control/hits`.
public struct HitsReport: Codable, Sendable, Equatable {
    /// Replayed requests since the last reset (control requests are not counted).
    public var total: Int
    /// Count per path.
    public var byPath: [String: Int]
    /// Count per path with its raw query (`/binance/api/v3/klines?symbol=BTCUSDT&interval=1m`).
    public var byRequest: [String: Int]
    /// Every replayed request in arrival order (the oldest are dropped past ``HitLog/maximumEntries``).
    public var log: [HitRecord]
    /// Requests held open by a `hang` fault at the time of the report.
    public var hanging: Int = 0

    /// Snake-case names used on the wire.
    enum CodingKeys: String, CodingKey {
        case total, log, hanging
        case byPath = "by_path"
        case byRequest = "by_request"
    }

    /// Count of requests for a path (any query).
    public func count(path: String) -> Int { self.byPath[path] ?? 0 }
}

/// Accumulates hits; lives inside the store's lock.
struct HitLog: Sendable {
    /// Entries kept in `log`; counts are exact regardless.
    static let maximumEntries = 50_000

    private(set) var total = 0
    private(set) var byPath: [String: Int] = [:]
    private(set) var byRequest: [String: Int] = [:]
    private(set) var log: [HitRecord] = []

    /// Records a request and returns its sequence number.
    mutating func record(
        _ key: RequestKey, headers: [String: String], status: Int?, route: String?, fault: FaultKind?
    ) -> Int {
        self.total += 1
        self.byPath[key.path, default: 0] += 1
        self.byRequest[key.pathAndQuery, default: 0] += 1
        let record = HitRecord(
            seq: self.total, method: key.method, path: key.path, query: key.parameterDictionary,
            rawQuery: key.rawQuery, headers: headers, status: status, route: route, fault: fault)
        if self.log.count >= Self.maximumEntries { self.log.removeFirst(self.log.count - Self.maximumEntries + 1) }
        self.log.append(record)
        return self.total
    }

    /// A snapshot for the control API.
    var report: HitsReport {
        HitsReport(total: self.total, byPath: self.byPath, byRequest: self.byRequest, log: self.log)
    }
}
