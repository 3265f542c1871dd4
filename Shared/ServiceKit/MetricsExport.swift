import CoreMetrics
import Prometheus
import Synchronization

/// The process-wide Prometheus registry behind swift-metrics.
public enum MetricsExport {
    private static let installed = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps swift-metrics with a Prometheus factory once per process and returns the registry.
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        installed.withLock { current in
            if let current { return current }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            current = registry
            return registry
        }
    }

    /// The registry's content in Prometheus text format (empty before ``bootstrap()``).
    public static func text() -> String {
        guard let registry = installed.withLock({ $0 }) else { return "" }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
