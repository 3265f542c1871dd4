import ArgumentParser
import Contracts
import CryptoModels
import Foundation
import Logging
import RPC
import ServiceLifecycle
import Synchronization
import WSClient

/// WebSocket fan-out through the real gateway (`cryptodt-bench ws`): an in-process publisher stands in for the
/// services (the gateway's one RPC subscription per topic connects to it), N real WebSocket clients subscribe to
/// `news`, and each notification's latency is measured from just before `NotificationHub.publish` to the client's
/// receipt. Baselines in the same run: the same notifications over the raw RPC subscription (no gateway), and one
/// WebSocket client alone. Gateway memory: RSS before/after connecting the clients, and sampled over the run.
struct WSBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ws", abstract: "WebSocket fan-out latency and gateway memory.")

    @Option(help: "Concurrent subscribed WebSocket clients.") var clients = 1_000
    @Option(help: "Seconds of the fan-out run (memory growth is judged over it).") var duration = 300
    @Option(help: "Notifications per second.") var rate = 10
    @Option(help: "Seconds of the one-client baseline.") var baseline = 10
    @Option(help: "The gateway executable (default: next to this one).") var gateway: String?

    func run() async throws {
        let directory = "/tmp/cdt-wsbench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "wsbench")
        logger.logLevel = .warning
        let hub = NotificationHub(queueLimit: 65_536)
        let server = RPCServer(configuration: .init(address: .unix(path: "\(directory)/svc.sock"), serviceName: "bench"),
                               router: RPCRouter(), hub: hub, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let address = try await server.listeningAddress()
            let port = try freePort()
            let process = try startGateway(address: address, port: port, directory: directory)
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            let ready = ContinuousClock.now + .seconds(20)
            while hub.subscriberCount(topic: LiveTopics.NewsItemTopic.name) == 0 && ContinuousClock.now < ready {
                try await Task.sleep(for: .milliseconds(50))
            }
            guard hub.subscriberCount(topic: LiveTopics.NewsItemTopic.name) > 0 else { throw ValidationError("gateway did not subscribe") }
            let report = try await measure(hub: hub, rpc: address, url: "ws://127.0.0.1:\(port)/ws", pid: process.processIdentifier, logger: logger)
            report.print(command: "cryptodt-bench ws --clients \(clients) --duration \(duration) --rate \(rate)")
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
    }

    /// Runs the phases and collects the figures.
    func measure(hub: NotificationHub, rpc: RPCAddress, url: String, pid: Int32, logger: Logger) async throws -> WSBenchReport {
        let clock = SendTimes()
        let fanout = LatencyLog(), single = LatencyLog(), raw = LatencyLog()
        var report = WSBenchReport(clients: clients, rate: rate, duration: duration)
        try await withThrowingTaskGroup(of: Void.self) { sockets in
            // Raw RPC subscription baseline, alive for the whole run.
            let rpcClient = RPCClient(address: rpc)
            sockets.addTask {
                for await event in rpcClient.subscribe(topics: [LiveTopics.NewsItemTopic.name]) {
                    guard case .notification(let note) = event, let payload = try? note.decode(topic: LiveTopics.NewsItemTopic.self),
                          let index = Int(payload.item.id.dropFirst()) else { continue }
                    raw.record(clock.elapsed(index))
                }
            }
            // Phase 1: one WebSocket client.
            let first = LogSwitch(single)
            sockets.addTask { try await Self.client(url: url, clock: clock, log: { first.record($0) }, logger: logger) }
            try await waitForSubscribers(pid: pid, hub: hub, count: 1)
            try await Task.sleep(for: .seconds(1))
            try await publish(hub: hub, clock: clock, seconds: baseline)
            // Phase 2: the other clients join (in batches), the first one now records into the fan-out log.
            first.switchTo(fanout)
            report.rssBefore = rssKB(pid)
            for batch in stride(from: 1, to: clients, by: 50) {
                for _ in batch..<min(clients, batch + 50) {
                    sockets.addTask { try await Self.client(url: url, clock: clock, log: { fanout.record($0) }, logger: logger) }
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await waitForSubscribers(pid: pid, hub: hub, count: clients)
            try await Task.sleep(for: .seconds(2))
            report.rssAfter = rssKB(pid)
            raw.reset()
            let cpuStart = cpuSeconds(pid)
            let started = ContinuousClock.now
            let samples = RSSLog()
            try await withThrowingTaskGroup(of: Void.self) { phase in
                phase.addTask { try await publish(hub: hub, clock: clock, seconds: duration) }
                phase.addTask {
                    while ContinuousClock.now - started < .seconds(duration) {
                        try await Task.sleep(for: .seconds(5))
                        let sample = (Double((ContinuousClock.now - started).components.seconds), rssKB(pid))
                        samples.append(sample)
                    }
                }
                try await phase.waitForAll()
            }
            report.samples = samples.all
            report.gatewayCPU = (cpuSeconds(pid) - cpuStart) / (Double((ContinuousClock.now - started).components.seconds) + 1e-9)
            try await Task.sleep(for: .seconds(1))
            rpcClient.close()
            sockets.cancelAll()
        }
        report.single = single.snapshot()
        report.fanout = fanout.snapshot()
        report.raw = raw.snapshot()
        report.expected = clients * rate * duration
        return report
    }

    /// Publishes `rate` news notifications per second for `seconds`.
    func publish(hub: NotificationHub, clock: SendTimes, seconds: Int) async throws {
        let period = Duration.seconds(1) / rate
        var next = ContinuousClock.now
        for _ in 0..<(seconds * rate) {
            let index = clock.stamp()
            hub.publish(LiveTopics.NewsItemTopic.self, .init(item: NewsItem(
                id: "b\(index)", guid: nil, url: "https://example.test/\(index)", title: "Benchmark item \(index)",
                summary: "A notification of typical size carried through the gateway to every subscribed client.",
                source: "bench", publishedAt: 1_700_000_000_000 + Int64(index), assets: ["BTC"])))
            next += period
            try await Task.sleep(until: next)
        }
    }

    /// Waits until the gateway's queue of admitted connections reaches `count` subscribers (probed by a snapshot).
    func waitForSubscribers(pid: Int32, hub: NotificationHub, count: Int) async throws {
        // Clients record only updates; readiness is signalled by their acks.
        let deadline = ContinuousClock.now + .seconds(120)
        while WSBenchCounters.subscribed.load(ordering: .relaxed) < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard WSBenchCounters.subscribed.load(ordering: .relaxed) >= count else {
            throw ValidationError("only \(WSBenchCounters.subscribed.load(ordering: .relaxed)) of \(count) clients subscribed")
        }
    }

    /// One WebSocket client: subscribes to `news` and logs the latency of every update.
    static func client(url: String, clock: SendTimes, log: @escaping @Sendable (Double) -> Void, logger: Logger) async throws {
        do {
            try await connect(url: url, clock: clock, log: log, logger: logger)
        } catch is CancellationError {
        } catch {
            logger.error("websocket client failed", metadata: ["error": "\(error)"])
        }
    }

    private static func connect(url: String, clock: SendTimes, log: @escaping @Sendable (Double) -> Void, logger: Logger) async throws {
        _ = try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"op":"subscribe","id":1,"channels":["news"]}"#))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                if let index = itemIndex(text) {
                    log(clock.elapsed(index))
                } else if text.contains(#""type":"ack""#) {
                    WSBenchCounters.subscribed.add(1, ordering: .relaxed)
                }
            }
        }
    }

    /// The `b<index>` item id of an update, found without parsing the whole message.
    static func itemIndex(_ text: String) -> Int? {
        guard text.contains(#""type":"update""#), let range = text.range(of: #""id":"b"#) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    func startGateway(address: RPCAddress, port: Int, directory: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gateway ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("gateway").path)
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in ["PORT": String(port), "DATA_DIR": directory, "SOCKET_DIR": directory, "LOG_LEVEL": "warning",
                             "ACCESS_LOG": "false", "MARKET_RPC_ADDRESS": address.description,
                             "NEWS_SENTIMENT_RPC_ADDRESS": address.description, "DEFI_RPC_ADDRESS": address.description,
                             "WS_MAX_CONNECTIONS_ANONYMOUS": String(clients + 10),
                             // 1,000 handshakes from one address would otherwise hit the anonymous REST rate limit.
                             "RATE_LIMIT_ANONYMOUS_PER_MINUTE": "unlimited", "RATE_LIMIT_ANONYMOUS_PER_DAY": "unlimited"] {
            environment[key] = value
        }
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }
}

/// Counters shared by the benchmark's clients.
enum WSBenchCounters {
    /// Clients whose subscription was acknowledged.
    static let subscribed = Atomic<Int>(0)
}

/// Send instants of the published notifications, by index.
final class SendTimes: Sendable {
    private let times = Mutex<[ContinuousClock.Instant]>([])

    /// Records now as the send time of the next index and returns it.
    func stamp() -> Int {
        times.withLock { times in
            times.append(.now)
            return times.count - 1
        }
    }

    /// Milliseconds since the index was sent.
    func elapsed(_ index: Int) -> Double {
        let now = ContinuousClock.now
        guard let sent = times.withLock({ index < $0.count ? $0[index] : nil }) else { return .nan }
        let elapsed = now - sent
        return Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
    }
}

/// Latencies (ms) recorded concurrently.
final class LatencyLog: Sendable {
    private let samples = Mutex<[Double]>([])
    func record(_ ms: Double) { samples.withLock { $0.append(ms) } }
    func reset() { samples.withLock { $0.removeAll() } }
    func snapshot() -> [Double] { samples.withLock { $0 }.sorted() }
}

/// RSS samples recorded by a child task.
final class RSSLog: Sendable {
    private let samples = Mutex<[(Double, Int)]>([])
    func append(_ sample: (Double, Int)) { samples.withLock { $0.append(sample) } }
    var all: [(Double, Int)] { samples.withLock { $0 } }
}

/// The log the first client records into: the one-client baseline, then the fan-out run.
final class LogSwitch: Sendable {
    private let current: Mutex<LatencyLog>
    init(_ log: LatencyLog) { current = Mutex(log) }
    func switchTo(_ log: LatencyLog) { current.withLock { $0 = log } }
    func record(_ ms: Double) { current.withLock { $0 }.record(ms) }
}

/// Resident set size of a process in KiB (from /proc).
func rssKB(_ pid: Int32) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

/// User + system CPU seconds of a process (from /proc; clock ticks of 1/100 s).
func cpuSeconds(_ pid: Int32) -> Double {
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// A free loopback TCP port (bound and released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw ValidationError("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
