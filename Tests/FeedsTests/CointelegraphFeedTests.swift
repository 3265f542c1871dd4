import Feeds
import Testing

/// The real Cointelegraph capture: 3 items, CDATA links with raw `&` and utm parameters, HTML descriptions,
/// permalink guids, `atom:updated`, a trailing space in a title.
@Suite struct CointelegraphFeedTests {
    /// The parsed fixture.
    let feed: Feed

    /// Parses the Cointelegraph capture once per test.
    init() throws { feed = try Fixtures.feed("cointelegraph.xml") }

    /// Channel title, link and item count.
    @Test func channel() {
        #expect(feed.title == "Cointelegraph.com News")
        #expect(feed.link == "https://cointelegraph.com")
        #expect(feed.items.count == 3)
    }

    /// Every field of the first item, including the raw-`&` CDATA link and the HTML description.
    @Test func firstItem() throws {
        let item = try #require(feed.items.first)
        #expect(item.title == "Brazil’s Petrobras uses Cardano to track sustainable aviation fuel, renewable diesel")
        // The CDATA link keeps its raw '&' separators.
        #expect(item.link == "https://cointelegraph.com/news/brazils-petrobras-uses-cardano-to-track-sustainable-aviation-fuel-renewable-diesel?utm_source=rss_feed&utm_medium=rss&utm_campaign=rss_partner_inbound")
        #expect(item.guid == "https://cointelegraph.com/news/brazils-petrobras-uses-cardano-to-track-sustainable-aviation-fuel-renewable-diesel")
        #expect(item.publishedAt == 1_790_788_674_000)   // Wed, 30 Sep 2026 17:17:54 +0000
        #expect(item.updatedAt == 1_790_788_889_000)     // atom:updated 17:21:29 +0000
        // The HTML description: the floated <p><img …></p> is dropped, the text paragraph kept.
        #expect(item.summary == "Petrobras developed two Cardano-based applications to track sustainability claims tied to aviation fuel and renewable diesel as part of an ongoing research collaboration.")
        #expect(item.authors == ["Cointelegraph by Nate Kostar"])
        #expect(item.categories == ["Latest News"])
        #expect(item.imageURL == "https://s3-images.ctmedia.io/media/article-covers/2026/09/01M3SH29GTGYTM0QGMBX47A000/oil-bitcoin-coin-ant-blockchain-sky-platform-production-gas.png")
        // sha256 of the normalised link (utm_* removed) — computed with Python's hashlib.
        #expect(item.id == "fb9253327584888d8577842732756a5afe3ed46b3fb56e3358fd67e214e71f11")
    }

    /// Second item: quotes in title and summary, both dates.
    @Test func secondItemSummaryKeepsTypographicQuotes() {
        let item = feed.items[1]
        #expect(item.title == "Bitget ‘gradually back to usual’ as protection fund reaches $309M")
        #expect(item.summary == "Bitget CEO Gracy Chen said that a protection fund created by the company in 2022 “absorbed the financial impact of the incident“ that resulted in $388 million in user losses.")
        #expect(item.publishedAt == 1_790_785_710_000)
        #expect(item.updatedAt == 1_790_785_926_000)
    }

    /// Third item: trailing title space trimmed, an `atom:updated` earlier than `pubDate` kept as sent.
    @Test func trailingSpaceTitleAndEarlierUpdate() {
        let item = feed.items[2]
        #expect(item.title == "Could THORChain face prosecution over stolen Bitget funds?")
        #expect(item.summary == "THORChain will not — or can not — block addresses linked to the $387.5 million Bitget hack. Can the devs be prosecuted for money laundering? It’s complicated, says crypto lawyer Yuriy Brisov.")
        #expect(item.publishedAt == 1_790_775_000_000)   // 13:30:00 +0000
        #expect(item.updatedAt == 1_790_737_848_000)     // 03:10:48 +0000: the feed's own (earlier) value, kept as is
        #expect(item.categories == ["Magazine"])
    }

    /// NewsItem conversion drops utm parameters from the URL and keeps the item id.
    @Test func newsItemsUseTheCleanURL() {
        let news = feed.newsItems(source: "Cointelegraph")
        #expect(news.count == 3)
        #expect(news[0].url == "https://cointelegraph.com/news/brazils-petrobras-uses-cardano-to-track-sustainable-aviation-fuel-renewable-diesel")
        #expect(news[0].id == feed.items[0].id)
        #expect(news[0].source == "Cointelegraph")
        #expect(news[0].publishedAt == 1_790_788_674_000)
        // For this feed the guid is the clean URL, so link and guid agree.
        #expect(news.allSatisfy { $0.url == $0.guid })
    }
}
