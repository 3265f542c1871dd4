import Foundation
import Hummingbird
import NIOCore
import Contracts
import Synchronization

/// A very short-lived cache of market-svc answers in the gateway, so that a burst of identical requests for hot data
/// (the dashboard's prices) costs one RPC per key per `lifetime` instead of one per request.
///
/// It never extends freshness: an answer is kept for at most `lifetime` and never beyond the `fresh_for_s`
/// market-svc gave it; stale answers are not kept. On a hit, `meta.age_s` is advanced by the time spent here and
/// `meta.cached` is true, so the freshness the client sees stays exact. `GATEWAY_MARKET_CACHE_S=0` turns it off.
final class AnswerCache<Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var storedAt: ContinuousClock.Instant
        var expiresAt: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: Duration
    private let capacity: Int

    /// A cache keeping answers at most `lifetime` (zero disables it) and at most `capacity` keys.
    init(lifetime: Duration, capacity: Int = 1_024) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Whether the cache is on.
    var isEnabled: Bool { lifetime > .zero }

    /// The stored answer and the seconds since it was stored, while it is valid.
    func get(_ key: String) -> (Value, Double)? {
        guard isEnabled else { return nil }
        let now = ContinuousClock.now
        return entries.withLock { table in
            guard let entry = table[key], now < entry.expiresAt else { return nil }
            let elapsed = now - entry.storedAt
            return (entry.value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    /// Stores an answer that stays fresh upstream for `freshFor` seconds (not stored when that is zero).
    func put(_ key: String, _ value: Value, freshFor: Double) {
        guard isEnabled, freshFor > 0 else { return }
        let now = ContinuousClock.now
        let keep = min(lifetime, .milliseconds(Int64(freshFor * 1_000)))
        entries.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[key] = Entry(value: value, storedAt: now, expiresAt: now + keep)
        }
    }
}

/// A prices answer held by the gateway's ``AnswerCache``: the `data` array encoded once, so that a hit writes the
/// body without a JSON encoder — only `meta` (whose `age_s` moves) is written per request.
struct PricesAnswer: Sendable {
    let result: Market.Prices.Result
    /// `[{…quote…}, …]` as JSON.
    let data: [UInt8]
    /// `meta.source` as a JSON string literal.
    let source: [UInt8]

    init(_ result: Market.Prices.Result) throws {
        self.result = result
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        data = Array(try encoder.encode(result.quotes.map(MarketViews.QuoteView.init)))
        source = Array(try encoder.encode(result.meta.source))
    }

    /// The response `elapsed` seconds after it was stored: `age_s` advanced, `cached: true`, max-age reduced.
    func response(elapsed: Double) -> Response {
        let maxAge = max(0, Int((result.freshForS - elapsed).rounded(.down)))
        return Response(status: .ok,
                        headers: [.contentType: "application/json; charset=utf-8",
                                  .cacheControl: maxAge > 0 ? "public, max-age=\(maxAge)" : "no-cache"],
                        body: .init(byteBuffer: body(elapsed: elapsed)))
    }

    /// The body `elapsed` seconds after it was stored.
    func body(elapsed: Double) -> ByteBuffer {
        let meta = result.meta
        let age = ((meta.ageS + elapsed) * 1_000).rounded() / 1_000
        var buffer = ByteBuffer()
        buffer.reserveCapacity(data.count + 160)
        buffer.writeString("{\"data\":")
        buffer.writeBytes(data)
        buffer.writeString(",\"meta\":{\"source\":")
        buffer.writeBytes(source)
        buffer.writeString(",\"as_of\":\(meta.asOf),\"fetched_at\":\(meta.fetchedAt),\"age_s\":\(age),\"stale\":false,\"cached\":true}}")
        return buffer
    }
}
