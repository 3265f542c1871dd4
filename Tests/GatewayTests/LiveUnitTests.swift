import CryptoModels
import Foundation
@testable import Gateway
import NIOCore
import Testing

/// The pieces of `/ws` that end-to-end tests cannot pin down exactly: channel names, per-client conflation and
/// overflow, the hub's seq/ring-buffer arithmetic, tickets and connection slots.
@Suite("live stream units")
struct LiveUnitTests {
    static let anonymous = Identity.anonymous(ip: "127.0.0.1")
    static let limits = LiveTierLimits(connections: 2, subscriptions: 3, messagesPerSecond: 2)

    static func message(_ text: String, key: String? = nil, seq: UInt64? = nil) -> OutboundMessage {
        OutboundMessage(bytes: ByteBuffer(string: text), conflationKey: key, seq: seq)
    }

    static func texts(_ messages: [OutboundMessage]) -> [String] { messages.map { String(buffer: $0.bytes) } }

    @Test("channel names", arguments: [
        ("prices:btc", "prices:BTC"), ("prices:*", "prices:*"), ("ohlcv:btcusdt:1m", "ohlcv:BTCUSDT:1m"),
        ("news", "news"), ("sentiment", "sentiment"), ("defi", "defi"), ("health", "health"),
    ])
    func channelNames(name: String, canonical: String) throws {
        #expect(try LiveChannel(parsing: name).description == canonical)
    }

    @Test("refused channel names", arguments: ["prices", "prices:", "prices:B-TC", "ohlcv:BTCUSDT:1h", "ohlcv:BTCUSDT:2m",
                                               "weather", "news:extra", String(repeating: "x", count: 200)])
    func refusedChannels(name: String) {
        #expect(throws: LiveChannel.ParseError.self) { try LiveChannel(parsing: name) }
    }

    @Test("price updates conflate per key (newest at the back); others queue; overflow closes with 4001")
    func conflationAndOverflow() {
        let session = ClientSession(identity: Self.anonymous, limits: Self.limits, queueLimit: 4)
        session.enqueue(Self.message("btc1", key: "prices:*|BTC"))
        session.enqueue(Self.message("eth1", key: "prices:*|ETH"))
        session.enqueue(Self.message("btc2", key: "prices:*|BTC"))
        session.enqueue(Self.message("news1"))
        #expect(Self.texts(session.drain()) == ["eth1", "btc2", "news1"])
        for index in 1...4 { session.enqueue(Self.message("n\(index)")) }
        #expect(session.closeRequest == nil)
        session.enqueue(Self.message("n5"))
        #expect(session.closeRequest?.code == LiveCloseCode.slowConsumer)
        #expect(session.drain().isEmpty)
        session.enqueue(Self.message("after"))
        #expect(session.drain().isEmpty)
    }

    @Test("message rate: a bucket of the tier's size refilled per second; subscription limit")
    func rateAndSubscriptions() {
        let session = ClientSession(identity: Self.anonymous, limits: Self.limits, queueLimit: 8)
        let start = ContinuousClock.now
        #expect(session.admitMessage(now: start) && session.admitMessage(now: start))
        #expect(!session.admitMessage(now: start))
        #expect(session.admitMessage(now: start + .milliseconds(600)))
        #expect(session.addSubscriptions([.news, .defi]))
        #expect(!session.addSubscriptions([.health, .sentiment]))
        #expect(session.subscriptions == [.news, .defi])
    }

    @Test("hub: snapshot carries the current seq; resume replays from the ring or refuses when gone")
    func hubSeqAndRing() {
        let hub = ChannelHub(ringSize: 3)
        for index in 1...5 { hub.publish(.news, ["n": index], keepAsLast: true) }
        #expect(hub.seq(of: .news) == 5)
        let fresh = ClientSession(identity: Self.anonymous, limits: Self.limits, queueLimit: 8)
        hub.attach(fresh, to: .news, snapshot: .lastNotification)
        let snapshot = Self.texts(fresh.drain())
        #expect(snapshot.count == 1 && snapshot[0].contains(#""seq":5"#) && snapshot[0].contains(#""data":{"n":5}"#))

        let resumed = ClientSession(identity: Self.anonymous, limits: Self.limits, queueLimit: 8)
        #expect(hub.resume(resumed, on: .news, after: 3))
        #expect(resumed.drain().compactMap(\.seq) == [4, 5])
        let tooOld = ClientSession(identity: Self.anonymous, limits: Self.limits, queueLimit: 8)
        #expect(!hub.resume(tooOld, on: .news, after: 1))
        #expect(!hub.resume(tooOld, on: .news, after: 9))
        #expect(tooOld.drain().isEmpty)
        hub.publish(.news, ["n": 6])
        #expect(fresh.drain().compactMap(\.seq) == [6])
        #expect(resumed.drain().compactMap(\.seq) == [6])
        #expect(hub.subscriberCount(.news) == 2)
    }

    @Test("tickets: single use, expire, refused admission leaves the ticket; connection slots are given back")
    func ticketsAndSlots() throws {
        let tickets = TicketStore(ttl: .seconds(30))
        let limiter = ConnectionLimiter()
        let now = ContinuousClock.now
        let ticket = try #require(tickets.issue(for: Self.anonymous, now: now))
        #expect(throws: LiveRejection.tooManyConnections(limit: 0, tier: .anonymous)) {
            try tickets.redeem(ticket, now: now) { identity throws(LiveRejection) in try limiter.acquire(identity, limit: 0) }
        }
        var lease: ConnectionLease? = try tickets.redeem(ticket, now: now) { identity throws(LiveRejection) in
            try limiter.acquire(identity, limit: 1)
        }
        #expect(limiter.count(Self.anonymous) == 1)
        #expect(throws: LiveRejection.invalidTicket) { try tickets.redeem(ticket, now: now) { $0 } }
        lease = nil
        #expect(limiter.count(Self.anonymous) == 0 && lease == nil)
        let late = try #require(tickets.issue(for: Self.anonymous, now: now))
        #expect(throws: LiveRejection.invalidTicket) { try tickets.redeem(late, now: now + .seconds(31)) { $0 } }
    }
}
