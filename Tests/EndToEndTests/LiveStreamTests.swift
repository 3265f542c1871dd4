import Contracts
import CryptoModels
import Foundation
import Testing
import TestSupport

/// `/ws` with real WebSocket clients against the real gateway process; the services' notifications come from an
/// in-process publisher (see ``LiveGateway``).
@Suite("live streams (/ws)", .serialized, .timeLimit(.minutes(2)))
struct LiveStreamTests {
    @Test("subscribe: snapshot, ack, then updates in seq order; prices:* too; unsubscribe stops them; list")
    func subscribeSnapshotUpdates() async throws {
        try await LiveGateway.with { gateway in
            try await LiveClient.with(gateway.url) { client in
                client.send(["op": "subscribe", "id": 1, "channels": ["prices:BTC", "prices:*"]])
                let snapshot = try #require(await client.message())
                #expect(snapshot.type == "snapshot")
                #expect(snapshot.channel == "prices:BTC")
                #expect(snapshot.seq == 0)
                #expect((snapshot.data?["quote"] as? [String: Any])?["price"] as? String == "67000.5")
                let all = try #require(await client.message())
                #expect(all.type == "snapshot" && all.channel == "prices:*")
                #expect(((all.data?["quotes"] as? [[String: Any]]) ?? []).compactMap { $0["symbol"] as? String } == ["BTC", "ETH"])
                let ack = try #require(await client.message())
                #expect(ack.type == "ack" && ack.id == 1 && ack.channels == ["prices:BTC", "prices:*"])

                for price in ["67001", "67002", "67003"] {
                    gateway.publish(Market.PricesTopic.self, .init(quotes: [LiveGateway.quote("BTC", price)], meta: LiveGateway.meta))
                    try await Task.sleep(for: .milliseconds(50))
                }
                var updates: [String: [(Int, String)]] = [:]
                while updates.values.map(\.count).reduce(0, +) < 6, let message = await client.message() {
                    #expect(message.type == "update")
                    let price = (message.data?["quote"] as? [String: Any])?["price"] as? String ?? "?"
                    updates[message.channel ?? "?", default: []].append((message.seq ?? -1, price))
                }
                #expect(updates["prices:BTC"]?.map(\.0) == [1, 2, 3])
                #expect(updates["prices:BTC"]?.map(\.1) == ["67001", "67002", "67003"])
                #expect(updates["prices:*"]?.map(\.0) == [1, 2, 3])

                client.send(["op": "list", "id": 2])
                let list = try #require(await client.message())
                #expect(list.type == "ack" && list.id == 2 && Set(list.channels) == ["prices:BTC", "prices:*"])

                client.send(["op": "unsubscribe", "id": 3, "channels": ["prices:BTC"]])
                let unsubscribed = try #require(await client.message())
                #expect(unsubscribed.type == "ack" && unsubscribed.id == 3 && unsubscribed.channels == ["prices:BTC"])
                gateway.publish(Market.PricesTopic.self, .init(quotes: [LiveGateway.quote("BTC", "67004")], meta: LiveGateway.meta))
                let onlyAll = try #require(await client.message())
                #expect(onlyAll.channel == "prices:*" && onlyAll.seq == 4)
                client.send(["op": "ping", "id": 4])
                let pong = try #require(await client.message())
                #expect(pong.type == "pong" && pong.id == 4)

                client.send(["op": "subscribe", "id": 5, "channels": ["prices:NOPE"]])
                let refused = try #require(await client.message())
                #expect(refused.type == "error" && refused.id == 5 && refused.problemType == "unknown-asset")
                let emptyAck = try #require(await client.message())
                #expect(emptyAck.type == "ack" && emptyAck.channels.isEmpty)
            }
        }
    }

    @Test("news, sentiment, defi and ohlcv channels: snapshot of the last notification (null before one), then updates")
    func notificationChannels() async throws {
        try await LiveGateway.with { gateway in
            gateway.publish(LiveTopics.NewsItemTopic.self, LiveGateway.news(1))
            try await Task.sleep(for: .milliseconds(200))
            try await LiveClient.with(gateway.url) { client in
                client.send(["op": "subscribe", "id": 1, "channels": ["news", "defi", "ohlcv:BTCUSDT:1m"]])
                let news = try #require(await client.message())
                #expect(news.type == "snapshot" && news.channel == "news" && news.seq == 1)
                #expect((news.data?["item"] as? [String: Any])?["id"] as? String == "n1")
                let defi = try #require(await client.message())
                #expect(defi.type == "snapshot" && defi.channel == "defi" && defi.hasNullData)
                let ohlcv = try #require(await client.message())
                #expect(ohlcv.type == "snapshot" && ohlcv.channel == "ohlcv:BTCUSDT:1m")
                #expect((ohlcv.data?["candles"] as? [Any])?.count == 1)
                _ = try #require(await client.message()).type == "ack"

                gateway.publish(LiveTopics.DefiUpdateTopic.self, .init(protocols: [], totalTvl: Amount(parsing: "123.45")!, meta: LiveGateway.meta))
                let tvl = try #require(await client.message())
                #expect(tvl.type == "update" && tvl.channel == "defi" && tvl.seq == 1 && tvl.data?["total_tvl"] as? String == "123.45")
                gateway.publish(Market.CandleTopic.self, .init(symbol: "BTCUSDT", interval: .m1,
                                                               candle: Candle(openTime: 1, open: 1, high: 1, low: 1, close: 1, volume: nil, closed: false),
                                                               source: "binance"))
                let candle = try #require(await client.message())
                #expect(candle.type == "update" && candle.channel == "ohlcv:BTCUSDT:1m" && candle.data?["source"] as? String == "binance")
                gateway.publish(LiveTopics.NewsItemTopic.self, LiveGateway.news(2))
                let second = try #require(await client.message())
                #expect(second.type == "update" && second.channel == "news" && second.seq == 2)

                client.send(["op": "subscribe", "id": 2, "channels": ["sentiment"]])
                let sentiment = try #require(await client.message())
                #expect(sentiment.type == "snapshot" && sentiment.hasNullData)
                _ = await client.message()
                let score = SentimentScore(label: "bullish", score: 0.9, probabilities: ["bullish": 0.9], model: "m", modelVersion: "1")
                gateway.publish(LiveTopics.SentimentUpdateTopic.self, .init(itemID: "n2", assets: ["BTC"], score: score, mean1h: 0.5, count1h: 2, ts: 5))
                let update = try #require(await client.message())
                #expect(update.type == "update" && update.channel == "sentiment" && update.data?["item_id"] as? String == "n2")
            }
        }
    }

    @Test("resume: missed updates from the ring buffer; a fresh snapshot with resync when they are gone")
    func resume() async throws {
        try await LiveGateway.with(["WS_RING_BUFFER": "4"]) { gateway in
            for index in 1...3 { gateway.publish(LiveTopics.NewsItemTopic.self, LiveGateway.news(index)) }
            #expect(await Eventually.wait(timeout: .seconds(5)) { await Self.seq(gateway, "news") == 3 })
            for index in 4...5 { gateway.publish(LiveTopics.NewsItemTopic.self, LiveGateway.news(index)) }
            try await LiveClient.with(gateway.url) { client in
                client.send(["op": "resume", "id": 7, "channel": "news", "seq": 3])
                let replayed = try #require(await client.until { $0.type == "ack" })
                #expect(replayed.map(\.type) == ["update", "update", "ack"])
                #expect(replayed.compactMap(\.seq) == [4, 5])
                #expect(replayed.last?.id == 7)
                gateway.publish(LiveTopics.NewsItemTopic.self, LiveGateway.news(6))
                let live = try #require(await client.message())
                #expect(live.type == "update" && live.seq == 6)
            }
            for index in 7...16 { gateway.publish(LiveTopics.NewsItemTopic.self, LiveGateway.news(index)) }
            #expect(await Eventually.wait(timeout: .seconds(5)) { await Self.seq(gateway, "news") == 16 })
            try await LiveClient.with(gateway.url) { client in
                client.send(["op": "resume", "id": 8, "channel": "news", "seq": 6])
                let fresh = try #require(await client.message())
                #expect(fresh.type == "snapshot" && fresh.seq == 16 && fresh.object["resync"] as? Bool == true)
                #expect((fresh.data?["item"] as? [String: Any])?["id"] as? String == "n16")
                #expect(try #require(await client.message()).type == "ack")
                let epoch = try #require((fresh.object["epoch"] as? NSNumber)?.int64Value)
                // Same epoch and nothing missed: just the ack. Another epoch (a restarted gateway): a resync.
                client.send(["op": "resume", "id": 9, "channel": "news", "seq": 16, "epoch": epoch])
                let current = try #require(await client.message())
                #expect(current.type == "ack" && current.id == 9)
                client.send(["op": "resume", "id": 10, "channel": "news", "seq": 16, "epoch": epoch - 1])
                let other = try #require(await client.message())
                #expect(other.type == "snapshot" && other.object["resync"] as? Bool == true && other.seq == 16)
            }
        }
    }

    /// The current seq of a channel, read through a fresh subscription's snapshot.
    static func seq(_ gateway: LiveGateway, _ channel: String) async -> Int? {
        try? await LiveClient.with(gateway.url) { client in
            client.send(["op": "subscribe", "id": 1, "channels": [channel]])
            return await client.message()?.seq
        }
    }

    @Test("a connection that never answers WebSocket pings is dropped")
    func deadConnection() async throws {
        try await LiveGateway.with(["WS_PING_INTERVAL": "0.3", "WS_HEARTBEAT_INTERVAL": "60"]) { gateway in
            let started = ContinuousClock.now
            let port = gateway.port
            let transcript = try await Task.detached {
                try RawSocket.transcript(port: port, request: LiveGateway.handshakeRequest("/ws", port: port), timeout: 5, stopAtSwitch: false)
            }.value
            let elapsed = ContinuousClock.now - started
            let text = String(decoding: transcript.bytes, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 101"))
            let head = Array("\r\n\r\n".utf8)
            let bodyStart = (0...max(0, transcript.bytes.count - 4)).first { Array(transcript.bytes[$0..<min($0 + 4, transcript.bytes.count)]) == head }
            let frames = transcript.bytes.dropFirst((bodyStart ?? 0) + 4)
            #expect(frames.first == 0x89, "the first frame is not a ping: \(Array(frames.prefix(4)))")
            #expect(transcript.closedByPeer, "the server did not drop the connection")
            #expect(elapsed < .seconds(3), "dropped after \(elapsed)")
        }
    }

    @Test("heartbeats when idle, at the configured interval")
    func heartbeats() async throws {
        try await LiveGateway.with(["WS_HEARTBEAT_INTERVAL": "0.3"]) { gateway in
            try await LiveClient.with(gateway.url) { client in
                let started = ContinuousClock.now
                let first = try #require(await client.message(timeout: .seconds(2), heartbeats: true))
                #expect(first.type == "heartbeat" && first.object["ts"] is NSNumber)
                let second = try #require(await client.message(timeout: .seconds(2), heartbeats: true))
                #expect(second.type == "heartbeat")
                let elapsed = ContinuousClock.now - started
                #expect(elapsed >= .milliseconds(500) && elapsed < .seconds(2), "two heartbeats took \(elapsed)")
            }
        }
    }
}
