import Feeds
import Foundation
import Testing

/// Limits and hostile input: every failure is a `FeedError` with a reason, never a crash.
@Suite struct SafetyTests {
    @Test func bodyOverTheSizeCapIsRefusedBeforeParsing() throws {
        let parser = FeedParser(options: .init(maxBytes: 1_000))
        #expect(throws: FeedError.tooLarge(bytes: 6_298, limit: 1_000)) { try parser.parse(Fixtures.data("coindesk.xml")) }
        // Default cap 5 MB: one byte more is refused even though it is not XML at all.
        let big = Data(repeating: UInt8(ascii: "x"), count: 5 * 1024 * 1024 + 1)
        #expect(throws: FeedError.tooLarge(bytes: 5_242_881, limit: 5_242_880)) { try FeedParser().parse(big) }
    }

    /// Nesting past `maxDepth` is refused.
    @Test func depthCap() throws {
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(throws: FeedError.tooDeep(limit: 64)) { try FeedParser().parse(bytes: Array(deep.utf8)) }
        // rss > channel > item > category is 4 levels: a cap of 3 refuses the real feed.
        #expect(throws: FeedError.tooDeep(limit: 3)) {
            try FeedParser(options: .init(maxDepth: 3)).parse(Fixtures.data("coindesk.xml"))
        }
    }

    /// DOCTYPE (XXE, billion laughs, HTML pages) is refused.
    @Test func doctypeAndEntitiesAreRefused() throws {
        #expect(throws: FeedError.doctypeNotAllowed) { try Fixtures.feed("rss_doctype_xxe.xml") }
        let laughs = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss>&lol2;</rss>"#
        #expect(throws: FeedError.doctypeNotAllowed) { try FeedParser().parse(bytes: Array(laughs.utf8)) }
        // An HTML error page starts with <!doctype html>.
        #expect(throws: FeedError.doctypeNotAllowed) { try Fixtures.feed("garbage_html.html") }
    }

    /// A JSON body is reported as not XML at line 1, column 1.
    @Test func jsonBodyIsNotXML() throws {
        #expect(throws: FeedError.malformed(reason: "text before the root element (not XML?)", line: 1, column: 1)) {
            try Fixtures.feed("garbage_json.json")
        }
    }

    /// A truncated capture names the unfinished tag and its line.
    @Test func truncatedFeedSaysWhereItStopped() throws {
        do {
            _ = try Fixtures.feed("truncated_coindesk.xml")
            Issue.record("a truncated feed parsed")
        } catch let FeedError.malformed(reason, line, _) {
            #expect(reason.contains("truncated"))
            #expect(reason == "document ends inside the <media> tag (truncated?)")
            #expect(line == 40)   // the 3,000-byte cut falls inside the <media:content tag on line 40
        }
    }

    /// Random bytes throw a `FeedError`.
    @Test func binaryGarbageThrows() throws {
        #expect(throws: FeedError.self) { try Fixtures.feed("garbage_binary.bin") }
    }

    /// Each malformed document throws with exactly this reason.
    @Test(arguments: [
        ("<rss><channel></rss>", "end tag </rss> does not match <channel>"),
        ("<rss><channel><title>x</title></channel></rss><rss/>", "second root element"),
        ("<rss><channel/></rss>trailing", "text after the root element"),
        ("<rss a=1/>", "attribute a of <rss> is not quoted"),
        ("<rss><!-- never closed", "unterminated comment"),
        ("<rss><![CDATA[ open", "unterminated CDATA section"),
        ("<rss><1tag/></rss>", "invalid name in start tag"),
        ("<rss a=\"x/>", "unterminated value of attribute a"),
    ])
    func malformedDocuments(body: String, reason: String) {
        do {
            _ = try FeedParser().parse(bytes: Array(body.utf8))
            Issue.record("parsed: \(body)")
        } catch let FeedError.malformed(got, _, _) {
            #expect(got == reason)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// Absurd attribute and namespace counts (a quadratic-time attack) are refused.
    @Test func attributeAndNamespaceFloodsAreRefused() {
        let attributes = (0..<300).map { " a\($0)=\"x\"" }.joined()
        #expect(throws: FeedError.malformed(reason: "more than 256 attributes on <rss>", line: 1, column: 1)) {
            try FeedParser().parse(bytes: Array("<rss\(attributes)/>".utf8))
        }
        let declarations = (0..<100).map { " xmlns:p\($0)=\"urn:\($0)\"" }.joined()
        let nested = "<rss\(declarations)><channel\(declarations)/></rss>"
        #expect(throws: FeedError.malformed(reason: "more than 128 namespace declarations in scope", line: 1, column: 1_886)) {
            try FeedParser().parse(bytes: Array(nested.utf8))
        }
    }

    /// Empty bodies are errors; valid feeds without items are not.
    @Test func emptyBodiesAndEmptyFeeds() throws {
        #expect(throws: FeedError.emptyBody) { try FeedParser().parse(Data()) }
        #expect(throws: FeedError.emptyBody) { try FeedParser().parse(bytes: Array(" \n\t".utf8)) }
        let quiet = try Fixtures.feed("rss_empty_channel.xml")
        #expect(quiet.title == "Quiet Feed")
        #expect(quiet.items.isEmpty)
        #expect(try FeedParser().parse(bytes: Array(#"<rss version="2.0"/>"#.utf8)).items.isEmpty)
        #expect(try FeedParser().parse(bytes: Array(#"<feed xmlns="http://www.w3.org/2005/Atom"></feed>"#.utf8)).items.isEmpty)
    }

    /// Well-formed XML with another root is `notAFeed`.
    @Test func wellFormedXMLThatIsNotAFeed() {
        #expect(throws: FeedError.notAFeed(root: "html")) { try FeedParser().parse(bytes: Array("<html><body/></html>".utf8)) }
        // An Atom-named root without the Atom namespace is not Atom.
        #expect(throws: FeedError.notAFeed(root: "feed")) { try FeedParser().parse(bytes: Array("<feed/>".utf8)) }
    }

    /// Error descriptions are short and readable.
    @Test func errorsDescribeThemselves() {
        #expect(FeedError.tooLarge(bytes: 10, limit: 5).description == "feed body is 10 bytes, over the 5-byte limit")
        #expect(FeedError.malformed(reason: "x", line: 2, column: 3).description == "malformed XML at line 2, column 3: x")
    }

    /// Every prefix (in steps) of two real feeds, and seeded random corruptions of them, either parse or throw.
    @Test func truncationsAndCorruptionsNeverCrash() throws {
        var rng = SplitMix64(seed: 6)
        for name in ["coindesk.xml", "cointelegraph.xml", "atom_rfc4287.xml"] {
            let bytes = [UInt8](try Fixtures.data(name))
            var parsedPrefixes = 0
            for cut in stride(from: 0, to: bytes.count, by: 37) {
                if (try? FeedParser().parse(bytes: Array(bytes[..<cut]))) != nil { parsedPrefixes += 1 }
            }
            #expect(parsedPrefixes == 0)   // no proper prefix of a feed is a complete document
            for _ in 0..<150 {
                var mutated = bytes
                for _ in 0..<Int(rng.next() % 8 + 1) {
                    let at = Int(rng.next() % UInt64(mutated.count))
                    mutated[at] = UInt8(truncatingIfNeeded: rng.next())
                }
                _ = try? FeedParser().parse(bytes: mutated)
            }
        }
    }
}

/// A small deterministic generator for the corruption test.
struct SplitMix64 {
    /// Generator state.
    var state: UInt64
    /// A generator starting from `seed`.
    init(seed: UInt64) { state = seed }
    /// The next pseudo-random value.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
