import Contracts
import Logging
import ServiceKit
import Synchronization
import Testing

/// Health reports and log lines.
@Suite("Health registry and log format")
struct HealthAndLogTests {
    @Test("a hanging check is reported unhealthy within its timeout; the worst status wins")
    func hangingCheck() async {
        let registry = HealthRegistry(checkTimeout: .milliseconds(200))
        registry.register("fine") { ComponentCheck(name: "fine", status: .healthy) }
        registry.register("slow") {
            try? await Task.sleep(for: .seconds(30))
            return ComponentCheck(name: "slow", status: .healthy)
        }
        registry.register("tired") { ComponentCheck(name: "tired", status: .degraded, detail: "behind") }
        // (The bound on time is checked end to end, in the gateway's own latency figure, by SupervisedSystemTests.)
        let report = await registry.report(service: "test-svc")
        #expect(report.service == "test-svc")
        #expect(report.status == .unhealthy)
        #expect(report.checks.map(\.name) == ["fine", "slow", "tired"])
        #expect(report.checks[1].status == .unhealthy)
        #expect(report.checks[1].detail?.contains("timed out") == true)
        #expect(report.checks[2].detail == "behind")
        #expect(report.pid > 0)
    }

    @Test("the process check observes resident memory and open descriptors")
    func processCheck() {
        let check = ProcessCheck.check()
        #expect(check.status == .healthy)
        #expect((ProcessCheck.residentBytes() ?? 0) > 1_000_000)
        #expect((ProcessCheck.openDescriptors() ?? 0) >= 3)
    }

    @Test("log lines start with the process name and quote values that need it")
    func lineFormat() {
        let lines = LineBox()
        var handler = LineLogHandler(label: "market-svc", level: .info, sink: .custom { line in lines.append(line) })
        handler[metadataKey: "provider"] = "coingecko"
        let logger = Logger(label: "market-svc", factory: { _ in handler })
        logger.info("fetched", metadata: ["path": "/simple/price", "note": "two words", "q": "a\"b"])
        logger.debug("not written at info")
        let written = lines.all
        #expect(written.count == 1)
        let line = written.first ?? ""
        #expect(line.hasPrefix("[market-svc] 20"))
        #expect(line.contains(" info: fetched "))
        #expect(line.contains(#"note="two words""#))
        #expect(line.contains(#"q="a\"b""#))
        #expect(line.contains("path=/simple/price"))
        #expect(line.contains("provider=coingecko"))
        #expect(line.hasSuffix("\n"))
    }
}

/// Collected log lines.
final class LineBox: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
