import Foundation
import HTTPTypes
import Hummingbird
import ReplayUpstream
import Testing

/// Conditional GET on routes declaring `etag` / `last_modified` (the RSS feeds in routes.json).
@Suite(.timeLimit(.minutes(1))) struct ConditionalGetTests {
    static let feed = "/rss/coindesk.xml"

    @Test func etagRevalidationAnswers304() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            let first = try await probe.get(Self.feed)
            #expect(first.status == 200)
            #expect(first.header("content-type") == "application/rss+xml; charset=utf-8")
            #expect(first.text.contains("<lastBuildDate>Wed, 30 Sep 2026 17:27:11 +0000</lastBuildDate>"))
            let etag = try #require(first.header("etag"))
            #expect(first.header("last-modified") == "Wed, 30 Sep 2026 17:27:11 GMT")

            var headers = HTTPFields()
            headers[.ifNoneMatch] = etag
            let revalidated = try await probe.get(Self.feed, headers: headers)
            #expect(revalidated.status == 304)
            #expect(revalidated.bytes.isEmpty)
            #expect(revalidated.header("etag") == etag)

            // Weak form and lists match too; another tag does not.
            headers[.ifNoneMatch] = "\"other\", W/\(etag)"
            #expect(try await probe.get(Self.feed, headers: headers).status == 304)
            headers[.ifNoneMatch] = "\"other\""
            let changed = try await probe.get(Self.feed, headers: headers)
            #expect(changed.status == 200)
            #expect(changed.bytes == (try ReplayTestSupport.fixture("rss/coindesk.xml")))

            // The other feed has a different tag.
            let cointelegraph = try await probe.get("/rss/cointelegraph.xml")
            #expect(cointelegraph.header("etag") != etag)
            #expect(try await probe.hits().log.map(\.status) == [200, 304, 304, 200, 200])
        }
    }

    @Test func ifModifiedSinceAnswers304OnlyWhenNothingIsNewer() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            var headers = HTTPFields()
            headers[.ifModifiedSince] = "Wed, 30 Sep 2026 17:27:11 GMT"
            let same = try await probe.get(Self.feed, headers: headers)
            #expect(same.status == 304)
            #expect(same.bytes.isEmpty)
            headers[.ifModifiedSince] = "Thu, 01 Oct 2026 00:00:00 GMT"
            #expect(try await probe.get(Self.feed, headers: headers).status == 304)
            headers[.ifModifiedSince] = "Wed, 30 Sep 2026 17:27:10 GMT"
            #expect(try await probe.get(Self.feed, headers: headers).status == 200)
            headers[.ifModifiedSince] = "not a date"
            #expect(try await probe.get(Self.feed, headers: headers).status == 200)
        }
    }

    @Test func runtimeRouteWithETag() async throws {
        try await ReplayTestSupport.withServer { _, probe in
            let posted = try await probe.post(
                "/_control/routes",
                json: #"{"path": "/defillama/protocols", "file": "defillama/protocols.json", "etag": "v2"}"#)
            #expect(posted.status == 201)
            var headers = HTTPFields()
            headers[.ifNoneMatch] = "\"v2\""
            #expect(try await probe.get("/defillama/protocols", headers: headers).status == 304)
            headers[.ifNoneMatch] = "\"v1\""
            let full = try await probe.get("/defillama/protocols", headers: headers)
            #expect(full.status == 200)
            #expect(full.header("etag") == "\"v2\"")
            #expect(full.text.hasPrefix(#"[{"id": "3", "name": "Curve""#))
            // Routes without validators never answer 304.
            #expect(try await probe.get("/defillama/tvl/uniswap", headers: headers).status == 200)
        }
    }
}
