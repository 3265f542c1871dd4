import Contracts
import CryptoModels
import Logging
import RPC
import ServiceKit
import ServiceLifecycle

/// A notification topic the gateway follows, and the service that publishes it.
public enum LiveUpstream: String, Sendable, Hashable, CaseIterable {
    /// `market.prices` → `prices:<SYMBOL>`, `prices:*`.
    case marketPrices
    /// `market.candle` → `ohlcv:<MARKET>:1m`.
    case marketCandles
    /// `news.item` → `news`.
    case news
    /// `sentiment.update` → `sentiment`.
    case sentiment
    /// `defi.update` → `defi`.
    case defi

    /// The notification topic.
    public var topic: String {
        switch self {
        case .marketPrices: Market.PricesTopic.name
        case .marketCandles: Market.CandleTopic.name
        case .news: LiveTopics.NewsItemTopic.name
        case .sentiment: LiveTopics.SentimentUpdateTopic.name
        case .defi: LiveTopics.DefiUpdateTopic.name
        }
    }

    /// The publishing service.
    public var service: ServiceName {
        switch self {
        case .marketPrices, .marketCandles: .market
        case .news, .sentiment: .newsSentiment
        case .defi: .defi
        }
    }
}

/// `data` of a price update: one quote and the provenance of the poll that fetched it.
struct PriceUpdate: Codable, Sendable {
    /// The quote.
    var quote: Quote
    /// Provenance of the poll.
    var meta: DataMeta
}

/// `data` of a `health` update and snapshot: overall status and each service's status.
struct HealthUpdate: Codable, Sendable, Equatable {
    struct Entry: Codable, Sendable, Equatable {
        var name: String
        var status: HealthStatus
        var error: String?
    }
    var status: HealthStatus
    var services: [Entry]
}

/// The gateway's upstream feeds: exactly one RPC subscription per topic, shared by every WebSocket client, whose
/// notifications are turned into channel updates; plus the gateway's own periodic health probe for `health`.
///
/// When a subscription's connection drops (the service stopped or crashed) the subscribers of its channels get a
/// `status` message; the subscription reconnects by itself and a second `status` (`live`) follows.
struct LiveFeeds: Service {
    let hub: ChannelHub
    let backends: Backends
    let probe: any HealthProbe
    let healthEvery: Duration
    let probeTimeout: Duration
    let logger: Logger

    /// Follows every topic and probes health until graceful shutdown.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for upstream in LiveUpstream.allCases {
                    group.addTask { await follow(upstream) }
                }
                group.addTask { await probeHealth() }
                await group.waitForAll()
            }
        }
    }

    /// Follows one topic until cancelled.
    func follow(_ upstream: LiveUpstream) async {
        for await event in backends.client(upstream.service).subscribe(topics: [upstream.topic]) {
            switch event {
            case .connected:
                logger.info("live feed connected", metadata: ["topic": "\(upstream.topic)"])
                hub.upstream(upstream, down: nil)
            case .disconnected(let reason):
                logger.notice("live feed lost", metadata: ["topic": "\(upstream.topic)", "reason": "\(reason)"])
                hub.upstream(upstream, down: "\(upstream.service.executable) is unavailable: \(reason); updates resume when it is back")
            case .notification(let notification):
                do {
                    try route(upstream, notification)
                } catch {
                    logger.warning("undecodable notification", metadata: ["topic": "\(notification.topic)", "error": "\(error)"])
                }
            }
        }
    }

    /// Turns one notification into channel updates.
    func route(_ upstream: LiveUpstream, _ notification: RPCNotification) throws {
        switch upstream {
        case .marketPrices:
            guard let payload = try notification.decode(topic: Market.PricesTopic.self) else { return }
            Self.publishPrices(payload, to: hub)
        case .marketCandles:
            guard let payload = try notification.decode(topic: Market.CandleTopic.self) else { return }
            hub.publish(.ohlcv(market: payload.symbol.uppercased(), interval: payload.interval), payload)
        case .news:
            guard let payload = try notification.decode(topic: LiveTopics.NewsItemTopic.self) else { return }
            hub.publish(.news, payload, keepAsLast: true)
        case .sentiment:
            guard let payload = try notification.decode(topic: LiveTopics.SentimentUpdateTopic.self) else { return }
            hub.publish(.sentiment, payload, keepAsLast: true)
        case .defi:
            guard let payload = try notification.decode(topic: LiveTopics.DefiUpdateTopic.self) else { return }
            hub.publish(.defi, payload, keepAsLast: true)
        }
    }

    /// One update per quote on `prices:<SYMBOL>` and on `prices:*`, each conflatable per symbol.
    static func publishPrices(_ payload: Market.PricesTopic.Payload, to hub: ChannelHub) {
        for quote in payload.quotes {
            let symbol = quote.symbol.uppercased()
            let update = PriceUpdate(quote: quote, meta: payload.meta)
            hub.publish(.prices(symbol), update, conflationKey: "prices:\(symbol)")
            hub.publish(.allPrices, update, conflationKey: "prices:*|\(symbol)")
        }
    }

    /// Probes every service periodically and publishes `health` when a status changes.
    func probeHealth() async {
        var last: HealthUpdate?
        while !Task.isCancelled {
            let entries = await withTaskGroup(of: (Int, ServiceHealth).self) { group in
                for (index, service) in ServiceName.backends.enumerated() {
                    group.addTask { (index, await probe.probe(service, timeout: probeTimeout)) }
                }
                var results: [(Int, ServiceHealth)] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }.map { HealthUpdate.Entry(name: $0.1.name, status: $0.1.status, error: $0.1.error) }
            }
            let all = [HealthUpdate.Entry(name: ServiceName.gateway.executable, status: .healthy)] + entries
            let update = HealthUpdate(status: HealthController.overall(all.map(\.status)), services: all)
            if update.services.map(\.status) != last?.services.map(\.status) || last == nil {
                hub.publish(.health, update, keepAsLast: true)
                last = update
            }
            do { try await Task.sleep(for: healthEvery) } catch { return }
        }
    }
}
