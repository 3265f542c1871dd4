import Contracts
import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Tier limits: GCRA per minute and a UTC-day quota, exact under concurrency, with their headers.
@Suite("rate limits", .timeLimit(.minutes(1)))
struct RateLimitTests {
    static let free = TierLimits(perMinute: 30, perDay: 1_000)

    @Test("64 parallel clients on a free key: exactly 30 of 100 requests within one minute succeed, the rest are 429")
    func concurrentHTTP() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .free)
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<64 {
                    group.addTask {
                        var mine: [Int] = []
                        for request in stride(from: worker, to: 100, by: 64) where request < 100 {
                            mine.append(try await client.execute(uri: "/docs", method: .get, headers: [.testAPIKey: key.value]) { Int($0.status.code) })
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 100)
            #expect(statuses.filter { $0 == 200 }.count == 30)
            #expect(statuses.filter { $0 == 429 }.count == 70)
        }
    }

    @Test("the limiter is exact under contention: 64 tasks × 10 identities × 2,000 requests → exactly 30 each")
    func concurrentLimiter() async {
        let clock = ManualClock(AuthHarness.start * 1_000_000_000)
        let limiter = RateLimiter(clock: clock.clock)
        let allowed = await withTaskGroup(of: [String: Int].self) { group in
            for worker in 0..<64 {
                group.addTask {
                    var counts: [String: Int] = [:]
                    for request in 0..<(20_000 / 64 + 1) {
                        let identity = "key:\((request + worker) % 10)"
                        if limiter.acquire(identity, limits: Self.free)?.allowed == true { counts[identity, default: 0] += 1 }
                    }
                    return counts
                }
            }
            return await group.reduce(into: [:]) { total, counts in total.merge(counts, uniquingKeysWith: +) }
        }
        #expect(allowed.count == 10)
        #expect(allowed.values.allSatisfy { $0 == 30 })
    }

    @Test("GCRA refills one request per 2 s at 30/min; refused requests are not charged")
    func refill() {
        let clock = ManualClock(AuthHarness.start * 1_000_000_000)
        let limiter = RateLimiter(clock: clock.clock)
        for _ in 0..<30 { #expect(limiter.acquire("a", limits: Self.free)?.allowed == true) }
        for _ in 0..<100 { #expect(limiter.acquire("a", limits: Self.free)?.allowed == false) }
        clock.advance(seconds: 1)
        #expect(limiter.acquire("a", limits: Self.free)?.allowed == false)
        clock.advance(seconds: 1)
        #expect(limiter.acquire("a", limits: Self.free)?.allowed == true)
        #expect(limiter.acquire("a", limits: Self.free)?.allowed == false)
        clock.advance(seconds: 60)
        var burst = 0
        while limiter.acquire("a", limits: Self.free)?.allowed == true { burst += 1 }
        #expect(burst == 30)
        // 31 + 30 charged so far; the 130 refusals cost nothing against the day.
        let day = limiter.acquire("a", limits: TierLimits(perMinute: nil, perDay: 1_000))
        #expect(day?.windows.first?.remaining == 1_000 - 61 - 1)
        #expect(limiter.acquire("unlimited", limits: TierLimits(perMinute: nil, perDay: nil)) == nil)
    }

    @Test("the day quota holds across minutes and resets at 00:00 UTC")
    func dayQuota() {
        let clock = ManualClock(AuthHarness.start * 1_000_000_000) // 12:00 UTC
        let limiter = RateLimiter(clock: clock.clock)
        var allowed = 0
        for _ in 0..<40 { // 40 minutes × 30 = 1,200 attempts → 1,000 allowed
            for _ in 0..<30 where limiter.acquire("k", limits: Self.free)?.allowed == true { allowed += 1 }
            clock.advance(seconds: 60)
        }
        #expect(allowed == 1_000)
        let refused = limiter.acquire("k", limits: Self.free)
        #expect(refused?.allowed == false)
        #expect(refused?.binding?.name == "day")
        #expect(refused?.retryAfterSeconds == 12 * 3_600 - 40 * 60)
        clock.set(seconds: AuthHarness.start + 12 * 3_600 - 1) // 23:59:59
        #expect(limiter.acquire("k", limits: Self.free)?.allowed == false)
        clock.advance(seconds: 1) // 00:00:00 the next day
        let fresh = limiter.acquire("k", limits: Self.free)
        #expect(fresh?.allowed == true)
        #expect(fresh?.windows.last?.remaining == 999)
    }

    @Test("headers on 200 and 429: RateLimit-Policy, RateLimit, X-RateLimit-*, Retry-After, problem quota-exceeded")
    func headers() async throws {
        try await AuthHarness.with { client, harness in
            let key = harness.store.add(tier: .free)
            try await client.execute(uri: "/docs", method: .get, headers: [.testAPIKey: key.value]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.init("RateLimit-Policy")!] == #""minute";q=30;w=60, "day";q=1000;w=86400"#)
                #expect(response.headers[.init("RateLimit")!] == #""minute";r=29;t=2, "day";r=999;t=43200"#)
                #expect(response.headers[.init("X-RateLimit-Limit")!] == "30")
                #expect(response.headers[.init("X-RateLimit-Remaining")!] == "29")
                #expect(response.headers[.init("X-RateLimit-Reset")!] == "2")
                #expect(response.headers[.retryAfter] == nil)
            }
            for _ in 0..<29 { try await client.execute(uri: "/docs", method: .get, headers: [.testAPIKey: key.value]) { #expect($0.status == .ok) } }
            try await client.execute(uri: "/docs", method: .get, headers: [.testAPIKey: key.value]) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.problemType == "quota-exceeded")
                #expect(response.headers[.retryAfter] == "2")
                #expect(response.headers[.init("RateLimit")!] == #""minute";r=0;t=60, "day";r=970;t=43200"#)
                #expect(response.headers[.init("X-RateLimit-Limit")!] == "30")
                #expect(response.headers[.init("X-RateLimit-Remaining")!] == "0")
                #expect(response.headers[.init("X-RateLimit-Reset")!] == "60")
                #expect(response.json["tier"] as? String == "free")
            }
            // Unlimited tiers carry no limit headers; health routes are not counted.
            let admin = harness.store.add(tier: .admin)
            try await client.execute(uri: "/docs", method: .get, headers: [.testAPIKey: admin.value]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.init("RateLimit")!] == nil)
            }
            for _ in 0..<40 { try await client.execute(uri: "/api/health", method: .get) { #expect($0.status == .ok) } }
            try await client.execute(uri: "/docs", method: .get) { response in
                #expect(response.headers[.init("X-RateLimit-Remaining")!] == "29")
            }
        }
    }

    @Test("anonymous callers share their address's quota; failed authentications are charged to it; tiers cap symbols per call")
    func anonymous() async throws {
        try await AuthHarness.with { client, harness in
            for _ in 0..<10 {
                try await client.execute(uri: "/docs", method: .get, headers: [.testAPIKey: "cdt_guess"]) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(uri: "/docs", method: .get) { response in
                #expect(response.headers[.init("X-RateLimit-Remaining")!] == "19")
            }
            for _ in 0..<19 { try await client.execute(uri: "/docs", method: .get) { #expect($0.status == .ok) } }
            try await client.execute(uri: "/docs", method: .get, headers: [.testAPIKey: "cdt_guess"]) { response in
                #expect(response.status == .tooManyRequests)
            }
            let symbols = (1...11).map { "S\($0)" }.joined(separator: ",")
            let pro = harness.store.add(tier: .free)
            try await client.execute(uri: "/api/prices?symbols=\(symbols)", method: .get, headers: [.testAPIKey: pro.value]) { response in
                #expect(response.status != .contentTooLarge) // free allows 25
            }
            let many = (1...26).map { "S\($0)" }.joined(separator: ",")
            try await client.execute(uri: "/api/prices?symbols=\(many)", method: .get, headers: [.testAPIKey: pro.value]) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.problemType == "tier-limit")
            }
        }
    }

    @Test("CORS preflights from allowed origins are answered and not counted; others get no CORS headers")
    func cors() async throws {
        try await AuthHarness.with(configuration: AuthConfiguration(corsOrigins: ["https://app.example"])) { client, _ in
            let preflight: HTTPFields = [.origin: "https://app.example", .init("Access-Control-Request-Method")!: "GET",
                                         .init("Access-Control-Request-Headers")!: "x-api-key"]
            for _ in 0..<40 {
                try await client.execute(uri: "/api/prices", method: .options, headers: preflight) { response in
                    #expect(response.status == .noContent)
                    #expect(response.headers[.accessControlAllowOrigin] == "https://app.example")
                    #expect(response.headers[.accessControlAllowHeaders]?.contains("X-API-Key") == true)
                }
            }
            try await client.execute(uri: "/docs", method: .get, headers: [.origin: "https://app.example"]) { response in
                #expect(response.headers[.init("X-RateLimit-Remaining")!] == "29")
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example")
                #expect(response.headers[.accessControlExposeHeaders]?.contains("RateLimit") == true)
            }
            try await client.execute(uri: "/docs", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }
}
