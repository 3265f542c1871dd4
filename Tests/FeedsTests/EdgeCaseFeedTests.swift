import Feeds
import Testing

/// `rss_edge_cases.xml`: fallbacks (guid as permalink, content:encoded, dc:date, relative links) and text clean-up
/// (undeclared HTML entities, double-escaped references, literal `&` and `<`).
@Suite struct EdgeCaseFeedTests {
    /// The parsed fixture.
    let feed: Feed

    /// Parses the edge-case fixture once per test.
    init() throws { feed = try Fixtures.feed("rss_edge_cases.xml") }

    /// The channel title decodes `&amp;` and an undeclared `&nbsp;`.
    @Test func channelTitleDecodesHTMLEntities() {
        #expect(feed.title == "Edge & Cases News")   // &amp; and an undeclared &nbsp;
        #expect(feed.items.count == 4)
    }

    /// Item 1: guid as link, `content:encoded`, EDT zone, RSS author name, image enclosure.
    @Test func permalinkGuidContentEncodedAndNamedZone() {
        let item = feed.items[0]
        #expect(item.title == "Bitcoin’s rally — what’s next? €5 ’ done")
        #expect(item.link == "https://news.example.com/a/1")   // guid without isPermaLink is a permalink
        #expect(item.id == "5baaf9a91b9bfa7a478d5d3a7b54b6a64b6c48a6d4afdc9cc8959347fa0f6530")
        #expect(item.publishedAt == 1_790_702_191_000)   // Tue, 29 Sep 2026 13:16:31 EDT
        #expect(item.authors == ["Jane Editor"])   // "editor@example.com (Jane Editor)"
        #expect(item.summary == "Heading First para second line. one two")   // style dropped, blocks spaced
        #expect(item.imageURL == "https://news.example.com/img/1.png")   // image enclosure
    }

    /// Item 2: relative link, `dc:date`, literal `&` and `<`, double-escaped markup shown as text.
    @Test func relativeLinkDcDateAndLiteralCharacters() {
        let item = feed.items[1]
        #expect(item.title == "Relative link, dc:date and a guid that is not a permalink")
        #expect(item.link == "https://news.example.com/2026/09/29/relative?b=2&a=1&fbclid=XYZ")
        #expect(item.guid == "https://news.example.com/a/2")
        #expect(item.id == "484f13bff1bf120aef858b0f5700555de9e792069d03cc25eefc89854cdf0a71")   // …relative?a=1&b=2
        #expect(item.publishedAt == 1_790_694_000_500)   // dc:date 2026-09-29T10:00:00.5-05:00
        #expect(item.authors == ["Sam <Writer>"])
        #expect(item.categories == ["Markets"])   // category and dc:subject, deduplicated
        #expect(item.summary == "Text with a literal AT&T and 3 < 4, plus <b>escaped</b>.")
    }

    /// Item 3: no link, so the id hashes the guid; an unparseable date stays `nil`.
    @Test func guidOnlyItemHasGuidIdentityAndNoDate() {
        let item = feed.items[2]
        #expect(item.title == "Only a guid, no date")
        #expect(item.link == nil)   // isPermaLink="false" and not a URL anyway
        #expect(item.publishedAt == nil)   // "not a date" is not guessed at
        #expect(item.id == "40e330d7b2d891b439fd160ee9ec4f808ad134edb6151794f77bb9da608d8e9c")   // sha256 of the guid
    }

    /// Item 4: no title; a two-digit year without seconds.
    @Test func untitledItemWithTwoDigitYear() {
        let item = feed.items[3]
        #expect(item.title == "")
        #expect(item.publishedAt == 1_790_755_200_000)   // 30 Sep 26 08:00 GMT
        #expect(item.summary == "An item with no title.")
    }

    /// NewsItem conversion keeps only items with a title and a link.
    @Test func newsItemsKeepOnlyShowableStories() {
        // Item 3 has no link, item 4 no title.
        let news = feed.newsItems(source: "Edge", fallbackPublishedAt: 42)
        #expect(news.map(\.url) == ["https://news.example.com/a/1", "https://news.example.com/2026/09/29/relative?a=1&b=2"])
        #expect(news.map(\.publishedAt) == [1_790_702_191_000, 1_790_694_000_500])
    }

    /// HTML written as child elements instead of escaped text still gets block spacing; bad references are kept
    /// or replaced, never trusted.
    @Test func unescapedHTMLDescriptionAndOddReferences() throws {
        let body = """
            <rss version="2.0"><channel><item><title>T &#xFFFFFFFF; &#x1000000000; &#0; &bogus; x</title>
            <link>https://e.example.com/1</link><description><p>One</p><p>Two <b>bold</b></p></description>
            </item></channel></rss>
            """
        let item = try #require(try FeedParser().parse(bytes: Array(body.utf8)).items.first)
        #expect(item.summary == "One Two bold")
        // Past U+10FFFF and NUL become U+FFFD; more than 8 digits or an unknown name stay literal.
        #expect(item.title == "T \u{FFFD} &#x1000000000; \u{FFFD} &bogus; x")
    }

    /// Some RSS 2.0 feeds declare Userland's namespace as the default; their elements are still RSS 2.0.
    @Test func userlandDefaultNamespace() throws {
        let body = #"<rss version="2.0" xmlns="http://backend.userland.com/rss2"><channel><title>U</title><item><title>I</title><link>https://u.example.com/</link></item></channel></rss>"#
        let feed = try FeedParser().parse(bytes: Array(body.utf8))
        #expect(feed.title == "U")
        #expect(feed.items.map(\.link) == ["https://u.example.com/"])
    }

    /// A relative link with no base to resolve it against stays relative on the item and keeps it out of the news.
    @Test func unresolvableRelativeLinkIsNotNews() throws {
        let body = #"<rss version="2.0"><channel><title>No base</title><item><title>Relative</title><link>/a/1</link><pubDate>Wed, 30 Sep 2026 17:16:31 GMT</pubDate></item></channel></rss>"#
        let feed = try FeedParser().parse(bytes: Array(body.utf8))
        #expect(feed.items.first?.link == "/a/1")
        #expect(feed.items.first?.id == SHA256.hex("/a/1"))
        #expect(feed.newsItems(source: "x").isEmpty)
    }
}
