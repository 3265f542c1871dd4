import Contracts
import Foundation
import Synchronization

/// The component checks a service reports in `system.health`.
///
/// Components register a check closure; a report runs all checks concurrently, each bounded by a timeout, so one
/// stuck component shows as `unhealthy` instead of delaying the whole answer.
public final class HealthRegistry: Sendable {
    /// A component's check.
    public typealias Check = @Sendable () async -> ComponentCheck

    private let checks = Mutex<[(String, Check)]>([])
    /// How long one check may take.
    public let checkTimeout: Duration
    let startedAt = Date()

    /// Creates an empty registry.
    public init(checkTimeout: Duration = .milliseconds(400)) {
        self.checkTimeout = checkTimeout
    }

    /// Registers a named check (replacing one of the same name).
    public func register(_ name: String, _ check: @escaping Check) {
        checks.withLock { list in
            list.removeAll { $0.0 == name }
            list.append((name, check))
        }
    }

    /// Seconds since the registry (≈ the process) started.
    public var uptime: Double { Date().timeIntervalSince(startedAt) }

    /// Runs every check and assembles the report.
    public func report(service: String) async -> HealthReport {
        let registered = checks.withLock { $0 }
        let timeout = checkTimeout
        let results = await withTaskGroup(of: (Int, ComponentCheck).self) { group in
            for (index, (name, check)) in registered.enumerated() {
                group.addTask {
                    await withTaskGroup(of: ComponentCheck?.self) { race in
                        race.addTask { await check() }
                        race.addTask {
                            try? await Task.sleep(for: timeout)
                            return Task.isCancelled ? nil
                                : ComponentCheck(name: name, status: .unhealthy, detail: "check timed out after \(timeout)")
                        }
                        let first = await race.next()!
                        race.cancelAll()
                        return (index, first ?? ComponentCheck(name: name, status: .unhealthy, detail: "check cancelled"))
                    }
                }
            }
            var collected: [(Int, ComponentCheck)] = []
            for await result in group { collected.append(result) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let status = results.map(\.status).max() ?? .healthy
        return HealthReport(service: service, version: ProductVersion.current, status: status, uptimeS: uptime,
                            pid: ProcessInfo.processInfo.processIdentifier, checks: results)
    }
}
