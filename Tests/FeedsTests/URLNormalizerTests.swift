import Feeds
import Testing

/// URL normalisation and resolution rules.
@Suite struct URLNormalizerTests {
    /// Each URL normalises to exactly this form.
    @Test(arguments: [
        ("HTTPS://WWW.CoinDesk.com/Markets/", "https://www.coindesk.com/Markets"),     // path case kept
        ("https://example.com", "https://example.com/"),
        ("https://example.com/", "https://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),                    // 443 is not http's default
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&utm_medium=rss&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?fbclid=abc", "https://example.com/a"),
        ("https://example.com/a?gclid=abc&b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?UTM_Campaign=x&z=1", "https://example.com/a?z=1"),
        ("https://example.com/%7Euser/%41%62c", "https://example.com/~user/Abc"),     // unreserved decoded
        ("https://example.com/a%2fb%2Fc", "https://example.com/a%2Fb%2Fc"),           // reserved kept, hex upper
        ("https://example.com/a/./b/../c/", "https://example.com/a/c"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a?&&b=1&", "https://example.com/a?b=1"),
        ("https://user@Example.COM/x", "https://user@example.com/x"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com/a?q=%41%2B", "https://example.com/a?q=A%2B"),
        ("https://cointelegraph.com/news/bitget-operations-protection-fund-security-breach?utm_source=rss_feed&utm_medium=rss&utm_campaign=rss_partner_inbound",
         "https://cointelegraph.com/news/bitget-operations-protection-fund-security-breach"),
    ])
    func normalizes(input: String, expected: String) {
        #expect(URLNormalizer.normalizedURL(input) == expected)
    }

    /// Relative, non-hierarchical and malformed URLs give `nil`.
    @Test(arguments: ["/relative/path", "mailto:a@b.c", "https:///nohost", "not a url", "https://example.com:99999/",
                      "https://example.com:8x/", ""])
    func rejectsNonAbsolute(input: String) {
        #expect(URLNormalizer.normalizedURL(input) == nil)
    }

    /// Normalising twice changes nothing.
    @Test func normalizationIsIdempotent() {
        let once = URLNormalizer.normalizedURL("HTTP://Example.com:80/a/b/?z=1&utm_x=2&a=%7e#f")
        #expect(once == "http://example.com/a/b?a=~&z=1")
        #expect(once.flatMap(URLNormalizer.normalizedURL) == once)
    }

    /// Each reference resolves against its base as RFC 3986 §5.2 says.
    @Test(arguments: [
        ("/2026/x", "https://news.example.com/feed/", "https://news.example.com/2026/x"),
        ("item.html", "https://news.example.com/feed/rss.xml", "https://news.example.com/feed/item.html"),
        ("../up.html", "https://news.example.com/feed/rss.xml", "https://news.example.com/up.html"),
        ("//cdn.example.com/i.png", "https://news.example.com/", "https://cdn.example.com/i.png"),
        ("https://other.example.com/a", "https://news.example.com/", "https://other.example.com/a"),
        ("?page=2", "https://news.example.com/list?page=1", "https://news.example.com/list?page=2"),
    ])
    func resolves(reference: String, base: String, expected: String) {
        #expect(URLNormalizer.resolve(reference, against: base) == expected)
    }
}
