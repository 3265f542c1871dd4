import Contracts
import CryptoModels
import Foundation
import Testing
import TestSupport

/// `/ws` admission, limits, abuse and backpressure with real clients against the real gateway process.
@Suite("live stream limits (/ws)", .serialized, .timeLimit(.minutes(2)))
struct LiveLimitsTests {
    @Test("tickets: issued for the caller, single use (reuse → 401 problem before the upgrade); plain GET /ws → 426")
    func tickets() async throws {
        try await LiveGateway.with { gateway in
            let ticket = try await gateway.ticket()
            #expect(ticket.count == 64)
            try await LiveClient.with(gateway.url + "?ticket=\(ticket)") { client in
                client.send(["op": "ping", "id": 1])
                #expect(await client.message()?.type == "pong")
            }
            let reuse = try await gateway.handshake("/ws?ticket=\(ticket)")
            #expect(reuse.status == 401)
            #expect(reuse.body.contains("\"type\":\"unauthorized\""))
            #expect(reuse.body.contains("already used"))
            let bogus = try await gateway.handshake("/ws?ticket=nope")
            #expect(bogus.status == 401)
            let plain = try await gateway.request("/ws")
            #expect(plain.status == 426)
            #expect(plain.body.contains("upgrade-required"))
        }
    }

    @Test("tickets expire")
    func ticketExpiry() async throws {
        try await LiveGateway.with(["WS_TICKET_TTL": "0.3"]) { gateway in
            let ticket = try await gateway.ticket()
            try await Task.sleep(for: .milliseconds(500))
            let late = try await gateway.handshake("/ws?ticket=\(ticket)")
            #expect(late.status == 401)
        }
    }

    @Test("per-tier limits: connections per identity (429 problem), subscriptions per connection, messages per second")
    func limits() async throws {
        let env = ["WS_MAX_CONNECTIONS_ANONYMOUS": "2", "WS_MAX_SUBSCRIPTIONS_ANONYMOUS": "3",
                   "WS_MAX_MESSAGES_PER_SECOND_ANONYMOUS": "5", "WS_ABUSE_LIMIT": "100"]
        try await LiveGateway.with(env) { gateway in
            try await LiveClient.with(gateway.url) { first in
                try await LiveClient.with(gateway.url) { second in
                    first.send(["op": "ping", "id": 1])
                    second.send(["op": "ping", "id": 1])
                    #expect(await first.message()?.type == "pong")
                    #expect(await second.message()?.type == "pong")
                    let third = try await gateway.handshake("/ws")
                    #expect(third.status == 429)
                    #expect(third.body.contains("\"type\":\"quota-exceeded\""))

                    first.send(["op": "subscribe", "id": 2, "channels": ["news", "defi", "sentiment", "health"]])
                    let refused = try #require(await first.message())
                    #expect(refused.type == "error" && refused.id == 2 && refused.problemType == "subscription-limit")

                    try await Task.sleep(for: .seconds(1.1))
                    for id in 10..<20 { second.send(["op": "ping", "id": id]) }
                    var pongs = 0
                    var limited = 0
                    for _ in 0..<10 {
                        guard let message = await second.message() else { break }
                        if message.type == "pong" { pongs += 1 }
                        if message.problemType == "rate-limited" { limited += 1 }
                    }
                    #expect(pongs >= 5 && pongs <= 6, "pongs \(pongs)")
                    #expect(limited == 10 - pongs)
                }
            }
            // Both closed: a new connection is admitted again.
            #expect(await Eventually.wait(timeout: .seconds(5)) {
                (try? await LiveClient.with(gateway.url) { client in
                    client.send(["op": "ping", "id": 1])
                    return await client.message()?.type == "pong"
                }) ?? false
            })
        }
    }

    @Test("malformed, oversized and unknown messages get error messages; repeated abuse closes with 4000")
    func malformed() async throws {
        try await LiveGateway.with(["WS_ABUSE_LIMIT": "5", "WS_MAX_MESSAGES_PER_SECOND_ANONYMOUS": "100"]) { gateway in
            try await LiveClient.with(gateway.url) { client in
                client.send("not json")
                let notJSON = try #require(await client.message())
                #expect(notJSON.type == "error" && notJSON.problemType == "invalid-message" && notJSON.object["id"] == nil)
                client.send(["op": "subscribe", "id": 1, "channels": [String(repeating: "x", count: 5_000)]])
                #expect(await client.message()?.problemType == "payload-too-large")
                client.send(["op": "dance", "id": 2])
                let unknown = try #require(await client.message())
                #expect(unknown.problemType == "invalid-message" && unknown.id == 2)
                client.send(["op": "subscribe", "id": 3, "channels": ["weather"]])
                let channel = try #require(await client.message())
                #expect(channel.problemType == "invalid-channel" && channel.id == 3)
                client.send(["op": "ping", "id": 4])
                #expect(await client.message()?.type == "pong")
                client.send(["op": "subscribe", "id": 5])
                #expect(await client.message()?.problemType == "invalid-message")
                let closed = try #require(await client.closed())
                #expect(closed.code == 4000)
                #expect(closed.reason?.contains("too many invalid messages") == true)
            }
        }
    }

    @Test("a client that stops reading is closed with 4001 while the others receive every update in order")
    func slowClient() async throws {
        let count = 1_000
        try await LiveGateway.with(["WS_QUEUE_LIMIT": "32", "WS_CLOSE_GRACE": "5"]) { gateway in
            try await LiveClient.with(gateway.url, paused: false) { slow in
                slow.send(["op": "subscribe", "id": 1, "channels": ["news"]])
                #expect(await slow.until { $0.type == "ack" } != nil)
                slow.paused = true
                try await withThrowingTaskGroup(of: [Int].self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            try await LiveClient.with(gateway.url) { fast in
                                fast.send(["op": "subscribe", "id": 1, "channels": ["news"]])
                                _ = await fast.until { $0.type == "ack" }
                                var seqs: [Int] = []
                                while seqs.count < count, let message = await fast.message(timeout: .seconds(20)) {
                                    if message.type == "update", let seq = message.seq { seqs.append(seq) }
                                }
                                return seqs
                            }
                        }
                    }
                    try await Task.sleep(for: .milliseconds(500))
                    for index in 1...count {
                        gateway.publish(LiveTopics.NewsItemTopic.self, LiveGateway.news(index, size: 8_000))
                        if index % 100 == 0 { try await Task.sleep(for: .milliseconds(10)) }
                    }
                    for try await seqs in group {
                        #expect(seqs == Array(1...count), "fast client got \(seqs.count) updates")
                    }
                }
                slow.paused = false
                let closed = try #require(await slow.closed(timeout: .seconds(20)))
                #expect(closed.code == 4001, "closed: \(closed)")
                #expect(closed.reason?.contains("slow consumer") == true)
            }
        }
    }
}
