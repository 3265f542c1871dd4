import Foundation
import ServiceKit

/// Per-tier limits of the WebSocket stream.
public struct LiveTierLimits: Sendable, Hashable {
    /// Open connections per identity (`WS_MAX_CONNECTIONS_<TIER>`).
    public var connections: Int
    /// Channels one connection may subscribe to (`WS_MAX_SUBSCRIPTIONS_<TIER>`).
    public var subscriptions: Int
    /// Client messages per second, with a burst of the same size (`WS_MAX_MESSAGES_PER_SECOND_<TIER>`).
    public var messagesPerSecond: Int
}

/// Settings of `/ws`, read from the environment (keys `ws.*` ↔ `WS_*`).
public struct LiveSettings: Sendable {
    /// Seconds of outbound silence after which a `heartbeat` message is sent [`WS_HEARTBEAT_INTERVAL`, 10].
    public var heartbeat: Duration
    /// Seconds between WebSocket pings; a connection that misses a pong until the next ping is dropped [`WS_PING_INTERVAL`, 20].
    public var ping: Duration
    /// Messages waiting for one client beyond which it is closed as too slow [`WS_QUEUE_LIMIT`, 512].
    public var queueLimit: Int
    /// Updates kept per channel for `resume` [`WS_RING_BUFFER`, 512].
    public var ringSize: Int
    /// Largest client message in bytes; larger ones are answered with an error [`WS_MAX_MESSAGE_BYTES`, 4096].
    public var maxMessageBytes: Int
    /// Invalid client messages after which the connection is closed (code 4000) [`WS_ABUSE_LIMIT`, 10].
    public var abuseLimit: Int
    /// Lifetime of a `POST /api/ws/ticket` ticket [`WS_TICKET_TTL`, 30 s].
    public var ticketTTL: Duration
    /// How long a close frame may take to reach a slow client before the socket is dropped [`WS_CLOSE_GRACE`, 2 s].
    public var closeGrace: Duration
    /// How often the gateway probes the services for the `health` channel [`WS_HEALTH_INTERVAL`, 5 s].
    public var healthEvery: Duration
    /// Symbols of the `prices:*` snapshot [`MARKET_WATCHLIST`, as market-svc's].
    public var watchlist: [String]
    /// Quote currency of the price channels [`MARKET_WATCH_VS`, usd].
    public var vs: String
    /// Largest WebSocket frame in either direction; longer server messages are fragmented, longer client frames
    /// close the connection (1009).
    public var maxFrameSize: Int { 1 << 16 }
    /// Whether a message for an idle, writable connection goes straight to its event loop [`WS_DIRECT_WRITES`, true].
    public var directWrites: Bool
    /// Limits by tier.
    public var tiers: [Tier: LiveTierLimits]

    /// Reads the settings.
    public init(settings: Settings) {
        heartbeat = settings.seconds("ws.heartbeat.interval", default: 10)
        ping = settings.seconds("ws.ping.interval", default: 20)
        queueLimit = max(8, settings.int("ws.queue.limit", default: 512))
        ringSize = max(1, settings.int("ws.ring.buffer", default: 512))
        maxMessageBytes = max(256, settings.int("ws.max.message.bytes", default: 4_096))
        abuseLimit = max(1, settings.int("ws.abuse.limit", default: 10))
        ticketTTL = settings.seconds("ws.ticket.ttl", default: 30)
        closeGrace = settings.seconds("ws.close.grace", default: 2)
        healthEvery = settings.seconds("ws.health.interval", default: 5)
        directWrites = settings.string("ws.direct.writes", default: "true") != "false"
        watchlist = settings.string("market.watchlist", default: "BTC,ETH,SOL,BNB,XRP,ADA,DOGE,AVAX,DOT,LINK")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
        vs = settings.string("market.watch.vs", default: "usd").lowercased()
        var tiers: [Tier: LiveTierLimits] = [:]
        for tier in Tier.allCases {
            let fallback = Self.defaults[tier]!
            let name = tier.rawValue
            tiers[tier] = LiveTierLimits(
                connections: max(1, settings.int("ws.max.connections.\(name)", default: fallback.connections)),
                subscriptions: max(1, settings.int("ws.max.subscriptions.\(name)", default: fallback.subscriptions)),
                messagesPerSecond: max(1, settings.int("ws.max.messages.per.second.\(name)", default: fallback.messagesPerSecond)))
        }
        self.tiers = tiers
    }

    /// The limits of a tier.
    public func limits(_ tier: Tier) -> LiveTierLimits { tiers[tier]! }

    /// Default limits: anonymous 5 connections / 20 channels / 5 msg/s, free 10/50/10, pro 50/200/50,
    /// enterprise and admin 1000/1000/200.
    static let defaults: [Tier: LiveTierLimits] = [
        .anonymous: .init(connections: 5, subscriptions: 20, messagesPerSecond: 5),
        .free: .init(connections: 10, subscriptions: 50, messagesPerSecond: 10),
        .pro: .init(connections: 50, subscriptions: 200, messagesPerSecond: 50),
        .enterprise: .init(connections: 1_000, subscriptions: 1_000, messagesPerSecond: 200),
        .admin: .init(connections: 1_000, subscriptions: 1_000, messagesPerSecond: 200),
    ]
}
