import Contracts
import CryptoModels
import Foundation
import NewsSentiment
import ProviderKit
import ReplayUpstream
import Testing

/// `FeedSource` against the in-process replay upstream serving the real CoinDesk / Cointelegraph captures:
/// parsing with tags, conditional GET, and the failures a feed can have (garbage, oversized, hanging).
@Suite("Feed sources", .timeLimit(.minutes(1)))
struct FeedSourceTests {

    func source(_ name: String, _ url: String, http: ProviderHTTP, timeout: Duration = .seconds(10),
                failing: HealthStatus = .degraded) -> FeedSource {
        FeedSource(spec: FeedSpec(name: name, url: url), tagger: NewsAssets.tagger(), http: http, timeout: timeout, maxBytes: 5 << 20,
                   failingStatus: failing)
    }

    @Test("the captures parse into tagged items; after commit the next fetch is a 304 sent with the validators")
    func conditionalGet() async throws {
        try await NewsFixtures.withReplayAndHTTP { server, base, http in
            let coindesk = source("CoinDesk", base + "/rss/coindesk.xml", http: http)
            guard case .items(let items, let validators) = try await coindesk.fetch() else {
                Issue.record("expected items"); return
            }
            #expect(items.count == 4)
            let first = try #require(items.first)
            #expect(first.title == "Crypto industry gave $8 million to Clarity Act lobbyists who didn't close the deal")
            #expect(first.url == NewsFixtures.coindeskFirst)
            #expect(first.source == "CoinDesk")
            #expect(first.guid == "aae5dfb1-54bc-455f-a89a-5ec5d919c3b0")
            #expect(first.publishedAt == 1_790_788_591_000)
            #expect(first.sentiment == nil)
            #expect(validators.lastModified == "Wed, 30 Sep 2026 17:27:11 GMT")
            #expect(validators.etag?.hasPrefix("\"") == true)

            // Not committed (items not stored): fetched in full again, no validators sent.
            guard case .items = try await coindesk.fetch() else { Issue.record("expected a full fetch"); return }
            coindesk.commit(validators, items: items.count, new: items.count)
            guard case .notModified = try await coindesk.fetch() else { Issue.record("expected 304"); return }
            let log = server.store.hits.log.filter { $0.path == "/rss/coindesk.xml" }
            #expect(log.map(\.status) == [200, 200, 304])
            #expect(log.last?.headers["if-none-match"] == validators.etag)
            let health = coindesk.healthCheck()
            #expect(health.status == .healthy)
            #expect(health.observed?["not_modified"] == 1)

            let cointelegraph = source("Cointelegraph", base + "/rss/cointelegraph.xml", http: http)
            guard case .items(let ct, _) = try await cointelegraph.fetch() else { Issue.record("expected items"); return }
            #expect(ct.count == 3)
            #expect(ct.first?.url == NewsFixtures.cointelegraphFirst)  // utm_* removed
            #expect(ct.first?.assets == ["ADA"])  // "… uses Cardano …"
            #expect(ct.first?.publishedAt == 1_790_788_674_000)
        }
    }

    @Test("Atom, RSS 1.0 (RDF) and windows-1252 fixtures arrive over HTTP as tagged items; the prolog's encoding wins")
    func formatsOverHTTP() async throws {
        try await NewsFixtures.withReplayAndHTTP { server, base, http in
            // The windows-1252 feed is served with a wrong charset in Content-Type, as misconfigured servers do.
            try server.store.addRoute(RouteSpec(path: "/feeds/cp1252.xml", file: "feeds/rss_windows1252.xml",
                                                headers: ["content-type": "application/rss+xml; charset=utf-8"]))
            try server.store.addRoute(RouteSpec(path: "/feeds/atom.xml", file: "feeds/atom_rfc4287.xml",
                                                headers: ["content-type": "application/atom+xml"]))
            try server.store.addRoute(RouteSpec(path: "/feeds/rdf.xml", file: "feeds/rss1_rdf.xml",
                                                headers: ["content-type": "application/rdf+xml"]))
            guard case .items(let cp1252, _) = try await source("Actualités", base + "/feeds/cp1252.xml", http: http).fetch(),
                  case .items(let atom, _) = try await source("Mark", base + "/feeds/atom.xml", http: http).fetch(),
                  case .items(let rdf, _) = try await source("XML.com", base + "/feeds/rdf.xml", http: http).fetch() else {
                Issue.record("expected items"); return
            }
            #expect(cp1252.first?.title == "Café crème: Bitcoin’s €100k “moment” – Œuvre Š")
            #expect(cp1252.first?.summary == "Prix: “Ça coûte 5 €” — naïve façade…")
            #expect(cp1252.first?.assets == ["BTC"])
            #expect(cp1252.first?.source == "Actualités")
            #expect(atom.count == 3)
            let btc = try #require(atom.first { $0.title.hasPrefix("Bitcoin") })
            #expect(btc.title == "Bitcoin tops $100k & Ethereum follows")
            #expect(btc.url == "http://example.org/2026/09/30/btc-100k?ref=feed")  // xml:base resolved; utm_* and fragment gone
            #expect(btc.assets == ["BTC", "ETH"])
            #expect(atom.last?.assets == ["SOL"])
            #expect(rdf.count == 2)
            #expect(rdf.first?.url == "http://xml.com/pub/2000/08/09/xslt/xslt.html")
        }
    }

    @Test("garbage, a 10 MB body and a hanging feed fail on their own and show as failing in health")
    func failures() async throws {
        try await NewsFixtures.withReplayAndHTTP { server, base, http in
            try server.store.addRoute(RouteSpec(path: "/feeds/garbage.xml", file: "feeds/garbage_html.html"))
            try server.store.addRoute(RouteSpec(path: "/feeds/big.xml", file: "rss/coindesk.xml"))
            _ = try server.store.addFault(FaultSpec(path: "/feeds/big.xml", fault: .oversize, sizeBytes: 10 << 20))
            _ = try server.store.addFault(FaultSpec(path: "/feeds/hang.xml", fault: .hang))
            let garbage = source("garbage", base + "/feeds/garbage.xml", http: http)
            let big = source("big", base + "/feeds/big.xml", http: http)
            let hang = source("hang", base + "/feeds/hang.xml", http: http, timeout: .milliseconds(600))

            let garbageFailure = await failure(of: garbage)
            #expect(garbageFailure?.kind == .malformed)
            #expect(garbageFailure?.message.contains("DOCTYPE") == true)
            let bigFailure = await failure(of: big)
            #expect(bigFailure?.kind == .malformed)
            #expect(bigFailure?.message.contains("body larger than 5242880 bytes") == true)
            let started = ContinuousClock.now
            let hangFailure = await failure(of: hang)
            #expect(hangFailure?.kind == .timeout)
            #expect(ContinuousClock.now - started < .seconds(5))
            for feed in [garbage, big, hang] {
                let check = feed.healthCheck()
                #expect(check.status == .degraded)
                #expect(check.observed?["state"] == "failing")
                #expect(check.detail?.hasPrefix("failing: ") == true)
            }
            // Not strict (the default): still reported failing, without degrading the service.
            let lenient = source("garbage", base + "/feeds/garbage.xml", http: http, failing: .healthy)
            _ = await failure(of: lenient)
            #expect(lenient.healthCheck().status == .healthy)
            #expect(lenient.healthCheck().observed?["state"] == "failing")
            #expect(lenient.healthCheck().detail?.hasPrefix("failing: malformed: ") == true)
        }
    }

    @Test("CryptoPanic posts become items with the original URL, the post's currencies and a redacted key")
    func cryptoPanic() async throws {
        try await NewsFixtures.withReplayAndHTTP { server, base, http in
            let body = #"""
                {"count":2,"next":null,"results":[
                 {"kind":"news","id":101,"slug":"Bitcoin-tops-100k","title":"Bitcoin tops $100k as ETFs buy",
                  "published_at":"2026-11-21T20:00:00Z","original_url":"https://www.coindesk.com/markets/2026/11/21/btc-100k?utm_source=cryptopanic",
                  "url":"https://cryptopanic.com/news/101/Bitcoin-tops-100k","currencies":[{"code":"BTC","title":"Bitcoin"}],
                  "source":{"title":"CoinDesk","domain":"coindesk.com"}},
                 {"kind":"media","id":102,"title":"A video","published_at":"2026-11-21T19:00:00Z","url":"https://cryptopanic.com/news/102/x"}]}
                """#
            try server.store.addRoute(RouteSpec(path: "/cryptopanic/posts/", body: body, headers: ["content-type": "application/json"]))
            let spec = CryptoPanic.spec(baseURL: base + "/cryptopanic", key: "sekrit-key")
            let panic = FeedSource(spec: spec, kind: .cryptoPanic, tagger: NewsAssets.tagger(), http: http,
                                   timeout: .seconds(10), maxBytes: 1 << 20)
            guard case .items(let items, _) = try await panic.fetch() else { Issue.record("expected items"); return }
            #expect(items.count == 1)
            #expect(items.first?.url == "https://www.coindesk.com/markets/2026/11/21/btc-100k")
            #expect(items.first?.source == "CryptoPanic")
            #expect(items.first?.assets == ["BTC"])
            #expect(items.first?.guid == "cryptopanic:101")
            #expect(items.first?.publishedAt == 1_795_291_200_000)
            #expect(server.store.hits.log.last?.query["auth_token"] == "sekrit-key")
            let check = panic.healthCheck()
            #expect(check.observed?["url"]?.stringValue?.contains("sekrit") == false)
        }
    }

    func failure(of source: FeedSource) async -> ProviderFailure? {
        do throws(ProviderFailure) {
            _ = try await source.fetch()
            return nil
        } catch {
            return error
        }
    }
}
