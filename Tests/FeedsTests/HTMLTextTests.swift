import Feeds
import Testing

/// HTML-to-text conversion of descriptions.
@Suite struct HTMLTextTests {
    /// Each fragment converts to exactly this text.
    @Test(arguments: [
        ("<p>One</p><p>Two</p>", "One Two"),                                  // block tags separate words
        ("Bit<b>coin</b> <i>rallies</i>", "Bitcoin rallies"),                 // inline tags do not
        ("line<br>break<br/>again", "line break again"),
        ("a<script>alert('x<p>')</script>b", "a b"),
        ("a<STYLE type=\"text/css\">p { color: red }</STYLE>b", "a b"),
        ("x<!-- hidden <p> -->y", "xy"),
        ("Tom&nbsp;&amp;&nbsp;Jerry &rsquo;n&rsquo; &mdash; &hellip;", "Tom & Jerry ’n’ — …"),
        ("&#8220;quoted&#x201D; &#146;cp1252&#146;", "“quoted” ’cp1252’"),
        ("AT&T &unknown; & co", "AT&T &unknown; & co"),
        ("BTC < $100k > ETH", "BTC < $100k > ETH"),
        ("<a href=\"x?a=1&b=>2\">link</a> text", "link text"),               // '>' inside a quoted attribute
        ("  spaced \n\t out  ", "spaced out"),
        ("<p>unclosed <b>tag", "unclosed tag"),
        ("<img src=\"a.png\" alt=\"pic\">", ""),
        ("", ""),
    ])
    func plainText(html: String, text: String) {
        #expect(HTMLText.plainText(html) == text)
    }

    /// The length cap cuts at a word boundary and adds an ellipsis.
    @Test func capCutsAtAWordBoundary() {
        let long = String(repeating: "word ", count: 200)   // 1,000 characters
        let capped = HTMLText.plainText(long, maxLength: 23)
        #expect(capped == "word word word word…")
        #expect(capped.count <= 23)
        #expect(HTMLText.plainText("short", maxLength: 23) == "short")
        // A 600-character default cap applies to parsed summaries.
        #expect(HTMLText.defaultMaxLength == 600)
    }

    /// The parser applies `summaryMaxLength` to summaries.
    @Test func parserCapsLongSummaries() throws {
        let body = "<rss><channel><item><title>t</title><description>" + String(repeating: "lorem ipsum ", count: 100)
            + "</description></item></channel></rss>"
        let feed = try FeedParser(options: .init(summaryMaxLength: 50)).parse(bytes: Array(body.utf8))
        let summary = try #require(feed.items.first?.summary)
        #expect(summary == "lorem ipsum lorem ipsum lorem ipsum lorem ipsum…")
        #expect(summary.count <= 50)
    }
}
