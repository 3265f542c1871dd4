import AsyncHTTPClient
import Contracts
import CryptoModels
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import RPC
import TestSupport

/// The real gateway executable whose market, news-sentiment and DeFi backends are one in-process RPC server: the
/// test publishes notifications through its `NotificationHub` (as the services' collectors do) and answers the
/// market snapshots (`market.prices`, `market.ohlcv`) with fixed quotes.
final class LiveGateway: Sendable {
    let directory: TemporaryDirectory
    let port: Int
    let gateway: ServiceProcess
    let hub: NotificationHub
    let http: HTTPClient

    /// The quotes `market.prices` answers (and the tests publish variations of).
    static func quote(_ symbol: String, _ price: String) -> Quote {
        Quote(symbol: symbol, vs: "usd", price: Amount(parsing: price)!, ts: 1_700_000_000_000)
    }
    static let meta = DataMeta(source: "coingecko", asOf: 1_700_000_000_000, fetchedAt: 1_700_000_000_000)

    /// The in-process market-svc stand-in: BTC and ETH are known, anything else is `unknown-asset`.
    static func router() -> RPCRouter {
        var router = RPCRouter()
        router.register(Market.Prices.self) { params, _ in
            let known = ["BTC": "67000.5", "ETH": "3500.25"]
            var quotes: [Quote] = []
            for symbol in params.symbols {
                guard let price = known[symbol.uppercased()] else {
                    throw RPCError.problem("unknown-asset", status: 404, title: "Unknown asset", detail: "no asset `\(symbol)`")
                }
                quotes.append(quote(symbol.uppercased(), price))
            }
            return .init(quotes: quotes, meta: meta, freshForS: 60)
        }
        router.register(Market.OHLCV.self) { params, _ in
            let candle = Candle(openTime: 1_700_000_000_000, open: 1, high: 2, low: 1, close: 2, volume: 10, closed: true)
            return .init(series: CandleSeries(symbol: params.symbol, interval: .m1, candles: [candle]), quote: "usdt", meta: meta, freshForS: 60)
        }
        return router
    }

    private init(directory: TemporaryDirectory, port: Int, gateway: ServiceProcess, hub: NotificationHub) {
        self.directory = directory
        self.port = port
        self.gateway = gateway
        self.hub = hub
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(2), read: .seconds(5))))
    }

    /// The `/ws` URL.
    var url: String { "ws://127.0.0.1:\(port)/ws" }

    /// Publishes a notification to the gateway's subscriptions.
    func publish<T: RPCTopic>(_ topic: T.Type, _ payload: T.Payload) { hub.publish(topic, payload) }

    /// A news item with a summary of `size` characters.
    static func news(_ index: Int, size: Int = 40) -> LiveTopics.NewsItemTopic.Payload {
        .init(item: NewsItem(id: "n\(index)", guid: nil, url: "https://example.test/\(index)", title: "Item \(index)",
                             summary: String(repeating: "x", count: size), source: "test", publishedAt: 1_700_000_000_000 + Int64(index)))
    }

    /// An HTTP request to the gateway.
    func request(_ path: String, method: HTTPMethod = .GET) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        let response = try await http.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// A WebSocket handshake written on a plain socket (HTTP clients rewrite `Connection`), read until the server
    /// closes: the status and body of a refused upgrade, or 101 for an accepted one.
    func handshake(_ path: String) async throws -> (status: Int, body: String) {
        let text = try RawSocket.exchange(port: port, request: Self.handshakeRequest(path, port: port), timeout: 5)
        let status = Int(text.split(separator: " ", maxSplits: 2).dropFirst().first ?? "") ?? 0
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }

    /// The raw WebSocket handshake request.
    static func handshakeRequest(_ path: String, port: Int) -> String {
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        return request
    }

    /// Issues a ticket.
    func ticket() async throws -> String {
        let response = try await request("/api/ws/ticket", method: .POST)
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        guard let ticket = (object?["data"] as? [String: Any])?["ticket"] as? String else {
            throw LiveGatewayError(message: "no ticket in \(response.status) \(response.body)")
        }
        return ticket
    }

    /// Starts the in-process backend and the gateway (with `environment` added), runs `body`, stops both.
    static func with(_ environment: [String: String] = [:], _ body: @Sendable (LiveGateway) async throws -> Void) async throws {
        let hub = NotificationHub()
        try await RPCTestServer.with(router: router(), hub: hub) { _, address, _ in
            let directory = try TemporaryDirectory(prefix: "live")
            let port = try FreePort.next()
            var env: [String: String] = [
                "PORT": String(port), "DATA_DIR": directory.file("data"), "SOCKET_DIR": directory.file("run"),
                "LOG_LEVEL": "info", "ACCESS_LOG": "false",
                "MARKET_RPC_ADDRESS": address.description, "NEWS_SENTIMENT_RPC_ADDRESS": address.description,
                "DEFI_RPC_ADDRESS": address.description, "MARKET_WATCHLIST": "BTC,ETH",
            ]
            env.merge(environment) { _, new in new }
            let gateway = try ServiceProcess(executable: BuiltProducts.path("gateway"), environment: env,
                                             logPath: directory.file("gateway.log"))
            let live = LiveGateway(directory: directory, port: port, gateway: gateway, hub: hub)
            do {
                // Ready when it answers and its five upstream subscriptions are in place.
                let ready = await Eventually.wait(timeout: .seconds(20), interval: .milliseconds(50)) {
                    (try? await live.request("/health"))?.status == 200
                        && hub.subscriberCount(topic: "news.item") == 1 && hub.subscriberCount(topic: "market.prices") == 1
                        && hub.subscriberCount(topic: "defi.update") == 1
                }
                guard ready else { throw LiveGatewayError(message: "gateway not ready:\n\(gateway.output().suffix(3_000))") }
                try await body(live)
            } catch {
                print("gateway log:\n\(gateway.output().suffix(4_000))")
                await live.stop()
                throw error
            }
            await live.stop()
        }
    }

    private func stop() async {
        await gateway.stop(grace: .seconds(5))
        try? await http.shutdown()
        directory.remove()
    }
}

struct LiveGatewayError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A blocking loopback TCP exchange for handshake tests.
enum RawSocket {
    /// Connects to 127.0.0.1:`port`, writes `request`, reads until the peer closes, a 101 head arrives, or `timeout` s.
    static func exchange(port: Int, request: String, timeout: Int) throws -> String {
        String(decoding: try transcript(port: port, request: request, timeout: timeout, stopAtSwitch: true).bytes, as: UTF8.self)
    }

    /// Like ``exchange(port:request:timeout:)`` but returns raw bytes, optionally reading past a 101 (never answering
    /// anything, e.g. pings), and whether the peer closed the connection (rather than the read timing out).
    static func transcript(port: Int, request: String, timeout: Int, stopAtSwitch: Bool) throws -> (bytes: [UInt8], closedByPeer: Bool) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LiveGatewayError(message: "socket failed") }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw LiveGatewayError(message: "connect failed") }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (received, true) }
            if count < 0 { return (received, false) }
            received += buffer[0..<count]
            if stopAtSwitch {
                let text = String(decoding: received, as: UTF8.self)
                if text.hasPrefix("HTTP/1.1 101"), text.contains("\r\n\r\n") { return (received, false) }
            }
        }
    }
}
