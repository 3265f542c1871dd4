import CryptoModels
import Feeds
import Testing

/// Story ids and cross-feed de-duplication.
@Suite struct NewsIdentityTests {
    /// The id hashes the normalised link, else the guid, else is `nil`.
    @Test func idIsTheHashOfTheNormalisedLinkElseTheGuid() {
        let clean = "https://cointelegraph.com/news/bitget-operations-protection-fund-security-breach"
        let tracked = clean + "?utm_source=rss_feed&utm_medium=rss#comments"
        #expect(NewsIdentity.id(link: tracked, guid: "ignored") == SHA256.hex(clean))
        #expect(NewsIdentity.id(link: "HTTPS://COINTELEGRAPH.COM/news/bitget-operations-protection-fund-security-breach/", guid: nil)
            == SHA256.hex(clean))
        #expect(NewsIdentity.id(link: nil, guid: "aae5dfb1-54bc-455f-a89a-5ec5d919c3b0")
            == SHA256.hex("aae5dfb1-54bc-455f-a89a-5ec5d919c3b0"))
        #expect(NewsIdentity.id(link: "  ", guid: "g") == SHA256.hex("g"))
        #expect(NewsIdentity.id(link: nil, guid: nil) == nil)
    }

    /// Merging real feeds drops repeats by id and by guid, keeping the first.
    @Test func deduplicatesAcrossFeedsByIdAndByGuid() throws {
        let coindesk = try Fixtures.feed("coindesk.xml").newsItems(source: "CoinDesk")
        let cointelegraph = try Fixtures.feed("cointelegraph.xml").newsItems(source: "Cointelegraph")
        try #require(coindesk.count == 4)
        try #require(cointelegraph.count == 3)

        // The same Cointelegraph story seen again through a mirror with a tracking URL: same id.
        var mirrored = cointelegraph[0]
        mirrored.source = "Mirror"
        mirrored.guid = "mirror-1"
        // A republished CoinDesk story under a new URL but the same guid.
        var republished = coindesk[3]
        republished.id = SHA256.hex("https://www.coindesk.com/other-path")
        republished.url = "https://www.coindesk.com/other-path"

        let merged = NewsIdentity.deduplicated(coindesk + cointelegraph + [mirrored, republished])
        #expect(merged.count == 7)
        #expect(merged.map(\.source).filter { $0 == "Mirror" }.isEmpty)
        #expect(merged.filter { $0.guid == "5d1b04d8-4083-4bd6-9b55-6321b0767b06" }.map(\.url)
            == ["https://www.coindesk.com/coindesk-indices/2026/09/30/crypto-long-and-short-what-will-the-ai-agents-run-on"])
        // Parsing the same feed twice adds nothing.
        #expect(NewsIdentity.deduplicated(coindesk + coindesk) == coindesk)
    }

    /// FeedItem de-duplication keeps first occurrences in order.
    @Test func feedItemDeduplication() throws {
        let items = try Fixtures.feed("cointelegraph.xml").items
        #expect(NewsIdentity.deduplicated(items + items.reversed()).map(\.guid) == items.map(\.guid))
    }

    /// NewsItem fields produced from the CoinDesk capture.
    @Test func newsItemFieldsFromCoinDesk() throws {
        let news = try Fixtures.feed("coindesk.xml").newsItems(source: "CoinDesk")
        let first = try #require(news.first)
        #expect(first.id == "150893234482f2be0dca3937dd7f21cd4af79ace0836d445b0f2226b1f7c8acf")
        #expect(first.guid == "aae5dfb1-54bc-455f-a89a-5ec5d919c3b0")
        #expect(first.url == "https://www.coindesk.com/news-analysis/2026/09/30/crypto-industry-gave-usd8-million-to-clarity-act-lobbyists-who-didn-t-close-the-deal")
        #expect(first.publishedAt == 1_790_788_591_000)
        #expect(first.assets == [])
        #expect(first.sentiment == nil)
        #expect(news[3].summary == nil)
    }
}
