import Feeds
import Foundation
import Testing

/// Bodies in encodings other than plain UTF-8; the fixture bytes were written by `make_encoded_fixtures.py`.
@Suite struct EncodingTests {
    /// windows-1252 bytes, including the 0x80–0x9F range, decode to the intended characters.
    @Test func windows1252() throws {
        let feed = try Fixtures.feed("rss_windows1252.xml")
        #expect(feed.encoding == .windows1252)
        #expect(feed.title == "Actualités Crypto")
        #expect(feed.items.first?.title == "Café crème: Bitcoin’s €100k “moment” – Œuvre Š")
        #expect(feed.items.first?.summary == "Prix: “Ça coûte 5 €” — naïve façade…")
        #expect(feed.items.first?.publishedAt == 1_790_788_591_000)
    }

    /// ISO-8859-1 bytes decode to the intended characters.
    @Test func isoLatin1() throws {
        let feed = try Fixtures.feed("rss_iso8859_1.xml")
        #expect(feed.encoding == .isoLatin1)
        #expect(feed.items.first?.title == "Café Zürich: 5 ½ Bitcoin für Señor Ñandú ©")
        #expect(feed.items.first?.summary == "Größe: 3×4 ± 1 - °C")
    }

    /// ISO-8859-15 bytes decode to the intended characters (€ Œ Š Ž Ÿ).
    @Test func isoLatin9() throws {
        let feed = try Fixtures.feed("rss_iso8859_15.xml")
        #expect(feed.encoding == .isoLatin9)
        #expect(feed.items.first?.title == "Prix en € : Œuvre, Šárka, Žižka, Ÿ")
    }

    /// UTF-16 in both byte orders, with CJK and a surrogate pair.
    @Test(arguments: [("rss_utf16le_bom.xml", FeedEncoding.utf16LittleEndian),
                      ("rss_utf16be_bom.xml", FeedEncoding.utf16BigEndian)])
    func utf16WithBOM(file: String, encoding: FeedEncoding) throws {
        let feed = try Fixtures.feed(file)
        #expect(feed.encoding == encoding)
        #expect(feed.title == "UTF-16 News")
        #expect(feed.items.first?.title == "日本語のビットコイン – ETF 承認 🚀")
        #expect(feed.items.first?.summary == "説明: “価格” €")
        #expect(feed.items.first?.link == "https://encoded.example.com/1")
    }

    /// A UTF-8 byte order mark is skipped.
    @Test func utf8WithBOM() throws {
        let feed = try Fixtures.feed("rss_utf8_bom.xml")
        #expect(feed.encoding == .utf8)
        #expect(feed.items.first?.title == "BOM-prefixed UTF-8 — ok")
        #expect(feed.items.first?.summary == "Ünïcödé")
    }

    /// UTF-16 without a BOM is recognised from `<?` as `3C 00 3F 00`.
    @Test func utf16WithoutBOMIsDetectedFromTheFirstBytes() throws {
        let text = #"<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>Ωmega €</title></channel></rss>"#
        var bytes: [UInt8] = []
        for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let feed = try FeedParser().parse(bytes: bytes)
        #expect(feed.encoding == .utf16LittleEndian)
        #expect(feed.title == "Ωmega €")
    }

    /// The same bytes read differently under each declared single-byte encoding.
    @Test func sameByteDiffersBetweenWindows1252AndLatin1() throws {
        func title(_ encoding: String) throws -> String? {
            let head = Array(#"<?xml version="1.0" encoding="\#(encoding)"?><rss><channel><title>"#.utf8)
            let tail = Array("</title></channel></rss>".utf8)
            return try FeedParser().parse(bytes: head + [0x80, 0x20, 0xA4] + tail).title
        }
        #expect(try title("windows-1252") == "€ ¤")
        #expect(try title("ISO-8859-1") == "\u{80} ¤")   // C1 control, shown as is
        #expect(try title("ISO-8859-15") == "\u{80} €")
        #expect(try title("cp1252") == "€ ¤")           // alias
    }

    /// An encoding the library cannot decode is an error, not a guess.
    @Test func unknownDeclaredEncodingIsAnError() throws {
        #expect(throws: FeedError.unsupportedEncoding("KOI8-R")) { try Fixtures.feed("rss_unknown_encoding.xml") }
    }

    /// A UTF-32 byte order mark is refused by name.
    @Test func utf32IsRefused() {
        #expect(throws: FeedError.unsupportedEncoding("UTF-32LE")) {
            try FeedParser().parse(bytes: [0xFF, 0xFE, 0, 0, 0x3C, 0, 0, 0])
        }
    }

    /// An invalid UTF-8 byte becomes U+FFFD instead of failing the feed.
    @Test func invalidUTF8BecomesReplacementCharacter() throws {
        let bytes = Array("<rss><channel><title>a".utf8) + [0xFF] + Array("b</title></channel></rss>".utf8)
        #expect(try FeedParser().parse(bytes: bytes).title == "a\u{FFFD}b")
    }
}
