import Feeds
import Foundation
import Testing

/// A coarse guard against accidental quadratic behaviour; precise numbers belong to the benchmarks.
@Suite struct PerformanceTests {
    /// A ~55 KB feed built from the real Cointelegraph items, repeated ten times with distinct links.
    static func bigFeed() throws -> [UInt8] {
        let text = String(decoding: try Fixtures.data("cointelegraph.xml"), as: UTF8.self)
        guard let start = text.range(of: "<item>"), let end = text.range(of: "</channel>") else { return [] }
        let head = text[..<start.lowerBound], items = text[start.lowerBound..<end.lowerBound], tail = text[end.lowerBound...]
        var body = String(head)
        for k in 0..<10 { body += items.replacingOccurrences(of: "?utm_source", with: "-\(k)?utm_source") }
        return Array((body + tail).utf8)
    }

    /// A feed of more than 50 KB parses well within the limit, even unoptimised.
    @Test func fiftyKilobyteFeedParsesQuickly() throws {
        let bytes = try Self.bigFeed()
        #expect(bytes.count > 50_000)
        let parser = FeedParser()
        let clock = ContinuousClock()
        var best = Duration.seconds(10)
        var count = 0
        for _ in 0..<5 {
            let elapsed = try clock.measure { count = try parser.parse(bytes: bytes).items.count }
            best = min(best, elapsed)
        }
        #expect(count == 30)
        // Release builds take about 1 ms (CPU time, measured on a loaded 2-core machine); debug builds about 10 ms.
        // The limit leaves room for unoptimised builds on a busy machine while still catching quadratic behaviour.
        #expect(best < .milliseconds(150), "best of 5: \(best)")
    }
}
