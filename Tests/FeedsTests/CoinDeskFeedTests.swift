import Feeds
import Testing

/// The real CoinDesk capture: 4 items, CDATA titles, UUID guids (not permalinks), one empty `<description/>`.
@Suite struct CoinDeskFeedTests {
    /// The parsed fixture.
    let feed: Feed

    /// Parses the CoinDesk capture once per test.
    init() throws { feed = try Fixtures.feed("coindesk.xml") }

    /// Channel title, link, encoding and item count.
    @Test func channel() {
        #expect(feed.format == .rss)
        #expect(feed.encoding == .utf8)
        #expect(feed.title == "CoinDesk: Bitcoin, Ethereum, Crypto News and Price Data")
        #expect(feed.link == "https://www.coindesk.com/")
        #expect(feed.items.count == 4)
    }

    /// Every field of the first item, against the capture's text.
    @Test func firstItemAllFields() throws {
        let item = try #require(feed.items.first)
        #expect(item.title == "Crypto industry gave $8 million to Clarity Act lobbyists who didn't close the deal")
        #expect(item.link == "https://www.coindesk.com/news-analysis/2026/09/30/crypto-industry-gave-usd8-million-to-clarity-act-lobbyists-who-didn-t-close-the-deal")
        #expect(item.guid == "aae5dfb1-54bc-455f-a89a-5ec5d919c3b0")
        #expect(item.publishedAt == 1_790_788_591_000)   // Wed, 30 Sep 2026 17:16:31 +0000
        #expect(item.updatedAt == nil)
        #expect(item.summary == "In the first half of this year, the sector poured millions into lobbying, with most of it tied to pushing the U.S. market structure bill to a goal it never reached.")
        #expect(item.authors == ["Jesse Hamilton"])
        #expect(item.categories == ["News Analysis", "Regulation", "Clarity Act", "Coinbase", "News"])
        // media:content url with &amp; decoded.
        #expect(item.imageURL == "https://cdn.sanity.io/images/s3y3vcno/production/73ff5902b975f54122994ceeb39606463e975438-2732x1535.jpg?fm=jpg&w=1920&h=1080&crop=focalpoint&fit=clip")
        // sha256("https://www.coindesk.com/news-analysis/…-close-the-deal"), computed with Python's hashlib.
        #expect(item.id == "150893234482f2be0dca3937dd7f21cd4af79ace0836d445b0f2226b1f7c8acf")
    }

    /// All four UUID guids and pubDates as exact epoch milliseconds.
    @Test func guidsAndDates() {
        #expect(feed.items.map(\.guid) == [
            "aae5dfb1-54bc-455f-a89a-5ec5d919c3b0", "d5f98956-4026-4243-bab7-f5cdaa22e868",
            "0006ab07-3e4e-45ce-9014-348c995c8db0", "5d1b04d8-4083-4bd6-9b55-6321b0767b06",
        ])
        #expect(feed.items.map(\.publishedAt) == [1_790_788_591_000, 1_790_782_490_000, 1_790_781_576_000, 1_790_780_167_000])
    }

    /// Typographic quotes in CDATA come through unchanged.
    @Test func curlyQuotesSurviveInSummary() {
        #expect(feed.items[1].summary == "The “overwhelming majority” of Open Standard’s equity will be distributed over time to partners based on how much they help grow the stablecoin, CEO Zach Abrams said.")
        #expect(feed.items[1].title == "Open USD takes on Tether, Circle with a different stablecoin model that's 'building money'")
    }

    /// The double space in "U.S. CFTC  seeks" becomes one.
    @Test func doubleSpaceInTitleIsCollapsed() {
        #expect(feed.items[2].title == "U.S. CFTC seeks event contract definitions that may defy states' gambling claims")
    }

    /// Item 4: empty description elements give no summary; trailing title space trimmed.
    @Test func emptyDescriptionGivesNoSummary() {
        let item = feed.items[3]
        #expect(item.title == "Crypto Long & Short: What will the AI agents run on?")   // trailing space trimmed
        #expect(item.summary == nil)   // <description/>, <content:encoded/> and <dc:description/> are all empty
        #expect(item.categories == ["CoinDesk Indices", "Crypto Long & Short", "News"])
        #expect(item.authors == ["Utkarsh Ahuja"])
        #expect(item.link == "https://www.coindesk.com/coindesk-indices/2026/09/30/crypto-long-and-short-what-will-the-ai-agents-run-on")
    }
}
