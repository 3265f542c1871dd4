import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceKit
import ServiceLifecycle

/// The live streams of the gateway: `GET /ws` (WebSocket) and `POST /api/ws/ticket`, the channel hub, the upstream
/// feeds and the per-identity connection accounting. Created once per process by ``GatewayApp/makeApplication``.
public final class LiveStreams: Sendable {
    /// Settings of `/ws`.
    let settings: LiveSettings
    /// The fan-out.
    let hub: ChannelHub
    /// Browser tickets.
    let tickets: TicketStore
    /// Open connections per identity.
    let limiter = ConnectionLimiter()
    /// Snapshot source of the market channels.
    let snapshots: any LiveSnapshots
    /// The upstream subscriptions and health probe (a `Service` run by the application).
    let feeds: LiveFeeds
    let logger: Logger

    /// Creates the streams over the gateway's backends.
    public init(settings: Settings, dependencies: GatewayApp.Dependencies, logger: Logger) {
        let live = LiveSettings(settings: settings)
        self.settings = live
        hub = ChannelHub(ringSize: live.ringSize)
        tickets = TicketStore(ttl: live.ticketTTL)
        snapshots = RPCLiveSnapshots(backends: dependencies.backends, timeout: .seconds(3))
        feeds = LiveFeeds(hub: hub, backends: dependencies.backends, probe: dependencies.health, healthEvery: live.healthEvery,
                          probeTimeout: settings.seconds("health.probe.timeout", default: 0.8), logger: logger)
        self.logger = logger
    }

    /// The route area (`/ws`, `/api/ws/ticket`).
    public var routes: LiveRoutes { LiveRoutes(streams: self) }

    /// The service to run alongside the HTTP server.
    public var service: some Service { feeds }

    /// Admits a connection for `identity` when its tier allows another one.
    func admit(_ identity: Identity) throws(LiveRejection) -> LiveAdmission {
        let limits = settings.limits(identity.tier)
        let lease = try limiter.acquire(identity, limit: limits.connections)
        return LiveAdmission(identity: identity, limits: limits, lease: lease)
    }

    /// The frame settings of the server channel.
    var channelConfiguration: LiveServerChannel.Configuration {
        .init(maxFrameSize: settings.maxFrameSize, ping: settings.ping, closeTimeout: .seconds(3))
    }

    /// Decides an upgrade request by running it through the router (middleware, authentication, the `/ws` gate).
    func decider(_ responder: some HTTPResponder<GatewayContext>) -> @Sendable (HTTPRequest, any Channel, Logger) async -> LiveUpgradeDecision {
        { [self] head, channel, logger in
            let request = Request(head: head, body: .init(buffer: ByteBuffer()))
            let context = GatewayContext(source: .init(channel: channel, logger: logger))
            context.liveUpgrade.markAttempt()
            let response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch {
                response = Problem(type: "internal-error", title: "Internal error", status: .internalServerError,
                                   detail: "the upgrade could not be decided").response(requestID: context.requestID)
            }
            guard response.status == .ok, let admission = context.liveUpgrade.admission else { return .reject(response) }
            return .upgrade { inbound, outbound, channel in
                await self.serve(admission, inbound: inbound, outbound: outbound, channel: channel)
            }
        }
    }
}

/// `GET /ws` and `POST /api/ws/ticket`.
public struct LiveRoutes: RouteArea {
    let streams: LiveStreams

    /// The ticket answer.
    struct TicketBody: Encodable {
        struct Ticket: Encodable {
            var ticket: String
            var expiresInS: Double
            var url: String
            enum CodingKeys: String, CodingKey { case ticket, expiresInS = "expires_in_s", url }
        }
        var data: Ticket
    }

    /// Registers `POST /api/ws/ticket` and `GET /ws` (the upgrade gate; a plain GET answers 426).
    public func addRoutes(to router: Router<GatewayContext>) {
        router.post("/api/ws/ticket") { _, context in
            guard let ticket = streams.tickets.issue(for: context.identity) else {
                throw Problem(type: "service-unavailable", title: "Service unavailable", status: .serviceUnavailable,
                              detail: "too many outstanding tickets; retry shortly", headers: [.retryAfter: "5"])
            }
            let ttl = streams.tickets.ttl.components
            return try JSONBody.response(TicketBody(data: .init(ticket: ticket, expiresInS: Double(ttl.seconds),
                                                                url: "/ws?ticket=\(ticket)")),
                                         status: .created, headers: [.cacheControl: "no-store"])
        }
        router.get("/ws") { request, context in
            guard context.liveUpgrade.isAttempt else {
                throw Problem(type: "upgrade-required", title: "Upgrade required", status: .init(code: 426, reasonPhrase: "Upgrade Required"),
                              detail: "GET /ws is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket) on a new connection",
                              headers: [.upgrade: "websocket"])
            }
            let admission: LiveAdmission
            do throws(LiveRejection) {
                if let ticket = request.uri.queryParameters["ticket"] {
                    admission = try streams.tickets.redeem(String(ticket)) { identity throws(LiveRejection) in try streams.admit(identity) }
                } else {
                    admission = try streams.admit(context.identity)
                }
            } catch {
                throw Self.problem(error)
            }
            context.liveUpgrade.admit(admission)
            return Response(status: .ok)
        }
    }

    /// The routes and the protocol in `/openapi.json`.
    public var openAPI: OpenAPIFragment { LiveOpenAPI.fragment }

    static func problem(_ rejection: LiveRejection) -> Problem {
        switch rejection {
        case .invalidTicket:
            Problem(type: "unauthorized", title: "Unauthorized", status: .unauthorized,
                    detail: "the ticket is unknown, expired or already used; get a new one from POST /api/ws/ticket")
        case .tooManyConnections(let limit, let tier):
            Problem(type: "quota-exceeded", title: "Too many connections", status: .tooManyRequests,
                    detail: "at most \(limit) WebSocket connections at once on the \(tier.rawValue) tier",
                    extensions: ["limit": .number(Double(limit)), "tier": .string(tier.rawValue)], headers: [.retryAfter: "5"])
        }
    }
}
