import Foundation
import Synchronization

/// The replay upstream's mutable state: runtime routes, installed faults and the hit log.
///
/// The routes loaded from the routes file never change. Runtime routes (from
/// `POST /_control/routes` or ``addRoute(_:)``) are consulted first: whenever one matches it
/// answers, so a test can override a capture (e.g. change a price) without caring how specific
/// the file's route is. Within each set the most specific match wins (exact path over prefix,
/// more required query parameters over fewer, exact query over open query), ties going to the
/// route listed or added last.
public final class ReplayStore: Sendable {
    /// Routes from the routes file, in file order.
    public let fileRoutes: [ReplayRoute]
    /// Where runtime `file` routes are resolved.
    public let fixturesDirectory: URL?

    private struct State {
        var runtimeRoutes: [ReplayRoute] = []
        var faults: [ActiveFault] = []
        var nextFaultID = 1
        var hits = HitLog()
        var hanging = 0
    }

    private let state = Mutex(State())

    /// Creates a store over already-loaded file routes.
    public init(fileRoutes: [ReplayRoute], fixturesDirectory: URL?) {
        self.fileRoutes = fileRoutes
        self.fixturesDirectory = fixturesDirectory
    }

    // MARK: Routes

    /// Adds (or replaces: same method, path, query and exact_query) a runtime route.
    /// - Throws: ``ReplayError`` when the specification is invalid or its file cannot be read.
    public func addRoute(_ spec: RouteSpec) throws {
        let route = try ReplayRoute(spec: spec, fixturesDirectory: self.fixturesDirectory)
        self.state.withLock { state in
            state.runtimeRoutes.removeAll { Self.sameSelector($0, route) }
            state.runtimeRoutes.append(route)
        }
    }

    /// Removes every runtime route.
    public func clearRuntimeRoutes() {
        self.state.withLock { $0.runtimeRoutes.removeAll() }
    }

    /// File routes followed by runtime routes, as specifications.
    public var allRouteSpecs: (file: [RouteSpec], runtime: [RouteSpec]) {
        let runtime = self.state.withLock { $0.runtimeRoutes.map(\.spec) }
        return (self.fileRoutes.map(\.spec), runtime)
    }

    // MARK: Faults

    /// Installs a fault and returns it with its identifier.
    /// - Throws: ``ReplayError/invalidSpecification(_:)`` when a required parameter is missing or out of range.
    @discardableResult
    public func addFault(_ spec: FaultSpec) throws -> ActiveFault {
        try spec.validate()
        return self.state.withLock { state in
            let fault = ActiveFault(id: state.nextFaultID, spec: spec, remaining: spec.times, applied: 0)
            state.nextFaultID += 1
            state.faults.append(fault)
            return fault
        }
    }

    /// Removes every fault.
    public func clearFaults() {
        self.state.withLock { $0.faults.removeAll() }
    }

    /// The faults currently installed.
    public var faults: [ActiveFault] {
        self.state.withLock { $0.faults }
    }

    // MARK: Hits

    /// Counts and the ordered request log since the last reset.
    public var hits: HitsReport {
        self.state.withLock { state in
            var report = state.hits.report
            report.hanging = state.hanging
            return report
        }
    }

    /// Requests held open by a `hang` fault right now (not cleared by reset).
    public var hangingRequests: Int {
        self.state.withLock { $0.hanging }
    }

    /// Called when a `hang` fault starts holding a request.
    func hangStarted() { self.state.withLock { $0.hanging += 1 } }
    /// Called when a held request is let go (client gone, server stopping).
    func hangEnded() { self.state.withLock { $0.hanging -= 1 } }

    /// Clears hits, faults and runtime routes.
    public func reset() {
        self.state.withLock { state in
            state.runtimeRoutes.removeAll()
            state.faults.removeAll()
            state.hits = HitLog()
        }
    }

    // MARK: Deciding

    /// The route that would answer a request (ignoring faults), without logging a hit.
    public func route(for key: RequestKey) -> ReplayRoute? {
        let runtime = self.state.withLock { $0.runtimeRoutes }
        return Self.best(runtime.filter { $0.faultKind == nil && $0.matches(key) })
            ?? Self.best(self.fileRoutes.filter { $0.faultKind == nil && $0.matches(key) })
    }

    /// Picks the route and fault for a request, consumes one use of the fault, logs the hit,
    /// and returns what to do — all under one lock, so concurrent requests each see a consistent state.
    func plan(for key: RequestKey, headers: [String: String]) -> ReplayPlan {
        self.state.withLock { state in
            let route = Self.best(state.runtimeRoutes.filter { $0.faultKind == nil && $0.matches(key) })
                ?? Self.best(self.fileRoutes.filter { $0.faultKind == nil && $0.matches(key) })

            var faultSpec: FaultSpec?
            if let index = Self.bestFaultIndex(state.faults, for: key) {
                faultSpec = state.faults[index].spec
                state.faults[index].applied += 1
                if let remaining = state.faults[index].remaining {
                    if remaining <= 1 { state.faults.remove(at: index) } else { state.faults[index].remaining = remaining - 1 }
                }
            }

            var faultRoute: ReplayRoute?
            if let faultSpec, faultSpec.fault == .rateLimit || faultSpec.fault == .status {
                let wantedStatus = faultSpec.fault == .status ? (faultSpec.status ?? 503) : 429
                let accepts: (ReplayRoute) -> Bool = {
                    $0.faultKind == faultSpec.fault && $0.status == wantedStatus && $0.matches(key)
                }
                faultRoute = Self.best(state.runtimeRoutes.filter(accepts)) ?? Self.best(self.fileRoutes.filter(accepts))
            }

            var candidates: [String] = []
            if route == nil {
                let samePath: (ReplayRoute) -> Bool = { $0.faultKind == nil && $0.pattern.matches(key.path) }
                candidates = (self.fileRoutes.filter(samePath) + state.runtimeRoutes.filter(samePath)).map(\.summary)
            }

            let plan = ReplayPlan.make(
                key: key, headers: headers, route: route, fault: faultSpec, faultRoute: faultRoute,
                candidates: candidates)
            let answering: ReplayRoute?
            switch plan {
            case .synthetic: answering = faultSpec?.fault == .garbage ? route : faultRoute
            case .reset, .hang: answering = nil
            default: answering = route
            }
            _ = state.hits.record(
                key, headers: headers, status: plan.loggedStatus,
                route: answering.map { $0.spec.name ?? $0.spec.file ?? $0.summary }, fault: faultSpec?.fault)
            return plan
        }
    }

    /// The highest-ranked route; among equals, the last one.
    private static func best(_ routes: [ReplayRoute]) -> ReplayRoute? {
        var chosen: ReplayRoute?
        for route in routes {
            if let current = chosen, route.rank.lexicographicallyPrecedes(current.rank) { continue }
            chosen = route
        }
        return chosen
    }

    /// The most specific matching fault; among equals, the most recently added.
    private static func bestFaultIndex(_ faults: [ActiveFault], for key: RequestKey) -> Int? {
        var chosen: (index: Int, specificity: Int)?
        for (index, fault) in faults.enumerated() {
            guard let pattern = try? PathPattern(fault.spec.path), pattern.matches(key.path) else { continue }
            if let method = fault.spec.method, method.uppercased() != key.method { continue }
            if let current = chosen, pattern.specificity < current.specificity { continue }
            chosen = (index, pattern.specificity)
        }
        return chosen?.index
    }

    /// Whether two routes select the same requests (so the newer one replaces the older).
    private static func sameSelector(_ lhs: ReplayRoute, _ rhs: ReplayRoute) -> Bool {
        lhs.method == rhs.method && lhs.pattern == rhs.pattern && lhs.spec.query == rhs.spec.query
            && (lhs.spec.exactQuery ?? false) == (rhs.spec.exactQuery ?? false) && lhs.faultKind == rhs.faultKind
            && (lhs.faultKind == nil || lhs.status == rhs.status)
    }
}
