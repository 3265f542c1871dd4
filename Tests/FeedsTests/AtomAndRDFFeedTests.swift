import Feeds
import Testing

/// `atom_rfc4287.xml` (written from RFC 4287 §1.1's example plus two entries) and `rss1_rdf.xml` (the RSS 1.0
/// specification's example with Dublin Core additions).
@Suite struct AtomFeedTests {
    /// The parsed fixture.
    let feed: Feed

    /// Parses the Atom fixture once per test.
    init() throws { feed = try Fixtures.feed("atom_rfc4287.xml") }

    /// Feed title and alternate link; three entries.
    @Test func feedLevel() {
        #expect(feed.format == .atom)
        #expect(feed.title == "dive into mark")
        #expect(feed.link == "http://example.org/")   // rel="alternate", not rel="self"
        #expect(feed.items.count == 3)
    }

    /// The RFC 4287 example entry: alternate link, dates with offsets, xhtml content as text.
    @Test func rfcExampleEntryWithXHTMLContent() {
        let entry = feed.items[0]
        #expect(entry.title == "Atom draft-07 snapshot")
        #expect(entry.link == "http://example.org/2005/04/02/atom")   // alternate, not the audio enclosure
        #expect(entry.guid == "tag:example.org,2003:3.2397")
        #expect(entry.publishedAt == 1_071_318_569_000)   // 2003-12-13T08:29:29-04:00
        #expect(entry.updatedAt == 1_122_812_969_000)     // 2005-07-31T12:29:29Z
        #expect(entry.summary == "[Update: The Atom draft is finished.]")
        #expect(entry.authors == ["Mark Pilgrim"])
        #expect(entry.imageURL == nil)   // the enclosure is audio/mpeg
        #expect(entry.id == "488b7d5d89398be431099dd72502450dfa46582eb96e122d7e2eb647615f6e0d")
    }

    /// HTML title and summary, link choice among several, xml:base, updated-only dates, inherited author.
    @Test func htmlTitleAndSummaryMultipleLinksAndXMLBase() {
        let entry = feed.items[1]
        #expect(entry.title == "Bitcoin tops $100k & Ethereum follows")
        // Of related / alternate PDF / alternate HTML, the text/html alternate wins, resolved against xml:base.
        #expect(entry.link == "http://example.org/2026/09/30/btc-100k?utm_source=atom&ref=feed#top")
        #expect(entry.id == "e102fc1b5ef3becaee8bac839c79d1d6c12f55eea1fbb0592f101693e802527c")   // of …btc-100k?ref=feed
        #expect(entry.guid == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a")
        // Only <updated> (with fractional seconds and +02:00): it is also the publication time.
        #expect(entry.publishedAt == 1_790_788_591_250)
        #expect(entry.updatedAt == 1_790_788_591_250)
        #expect(entry.categories == ["Markets", "bitcoin"])   // label when present, else term
        #expect(entry.summary == "The price of BTC rose 5%—a record. Traders’ mood: bullish.")   // script dropped
        #expect(entry.authors == ["Feed Author"])   // inherited from the feed
        #expect(entry.imageURL == "http://example.org/img/btc.jpg")
    }

    /// An xhtml title and a `type="text"` content that must not be read as HTML.
    @Test func xhtmlTitleAndPlainTextContent() {
        let entry = feed.items[2]
        #expect(entry.title == "Solana and friends")
        #expect(entry.link == "http://example.org/2026/10/01/sol")   // a link without rel is an alternate
        #expect(entry.summary == "5 < 6 & <b>7</b> is plain text.")   // type="text" is not HTML
        #expect(entry.publishedAt == 1_790_812_800_000)
    }
}

/// RSS 1.0 (RDF) parsing.
@Suite struct RDFFeedTests {
    /// Channel and items of the RSS 1.0 fixture, with Dublin Core fields.
    @Test func rss1Items() throws {
        let feed = try Fixtures.feed("rss1_rdf.xml")
        #expect(feed.format == .rdf)
        #expect(feed.title == "XML.com")
        #expect(feed.link == "http://xml.com/pub")
        #expect(feed.items.count == 2)
        let first = feed.items[0]
        #expect(first.title == "Processing Inclusions with XSLT")
        #expect(first.link == "http://xml.com/pub/2000/08/09/xslt/xslt.html")
        #expect(first.guid == "http://xml.com/pub/2000/08/09/xslt/xslt.html")   // rdf:about
        #expect(first.publishedAt == 965_818_800_000)   // dc:date 2000-08-09T12:00:00+01:00
        #expect(first.authors == ["Bob DuCharme"])
        #expect(first.categories == ["XSLT"])
        #expect(first.summary?.hasPrefix("Processing document inclusions with general XML tools") == true)
        #expect(feed.items[1].title == "Putting RDF to Work")
        #expect(feed.items[1].publishedAt == nil)
    }
}
