import Feeds
import Testing

/// RFC 822 and RFC 3339 variants, each checked against an epoch value computed independently (Python `email.utils`
/// / `datetime`). 1_790_788_591_000 is Wed, 30 Sep 2026 17:16:31 UTC.
@Suite struct FeedDateTests {
    /// Wed, 30 Sep 2026 17:16:31 UTC in epoch milliseconds.
    static let base: Int64 = 1_790_788_591_000

    /// Each RFC 822 variant parses to the expected epoch milliseconds.
    @Test(arguments: [
        ("Wed, 30 Sep 2026 17:16:31 +0000", base),
        ("30 Sep 2026 17:16:31 +0000", base),                       // no weekday
        ("Wed,30 Sep 2026 17:16:31 +0000", base),                   // no space after the comma
        ("Wed, 30 Sep 2026 17:16 +0000", base - 31_000),            // no seconds
        ("Wed, 30 Sep 26 17:16:31 +0000", base),                    // two-digit year
        ("Wed, 30 Sep 2026 17:16:31 GMT", base),
        ("Wed, 30 Sep 2026 17:16:31 UT", base),
        ("Wed, 30 Sep 2026 17:16:31 UTC", base),
        ("Wed, 30 Sep 2026 17:16:31 Z", base),                      // military Z
        ("Wed, 30 Sep 2026 13:16:31 EDT", base),
        ("Wed, 30 Sep 2026 12:16:31 EST", base),
        ("Wed, 30 Sep 2026 12:16:31 CDT", base),
        ("Wed, 30 Sep 2026 11:16:31 CST", base),
        ("Wed, 30 Sep 2026 11:16:31 MDT", base),
        ("Wed, 30 Sep 2026 10:16:31 MST", base),
        ("Wed, 30 Sep 2026 10:16:31 PDT", base),
        ("Wed, 30 Sep 2026 09:16:31 PST", base),
        ("Wed, 30 Sep 2026 19:16:31 +0200", base),
        ("Wed, 30 Sep 2026 12:46:31 -0430", base),
        ("Wed, 30 Sep 2026 22:46:31 +05:30", base),
        ("Thu, 1 Oct 2026 01:16:31 +0800", base),                   // one-digit day, crosses midnight
        ("Wednesday, 30 September 2026 17:16:31 +0000", base),      // full names
        ("30-Sep-2026 17:16:31 +0000", base),
        ("Wed, 30 Sep 2026 17:16:31", base),                        // no zone: UTC
        ("  Wed, 30 Sep 2026 17:16:31 +0000 (UTC) ", base),         // spaces and a comment
        ("wed, 30 sep 2026 17:16:31 gmt", base),                    // lower case
        ("Thu, 01 Jan 70 00:00:00 GMT", 0),                         // 70 → 1970
        ("Sat, 01 Jan 00 00:00:00 GMT", 946_684_800_000),           // 00 → 2000
        ("Mon, 29 Feb 2016 00:00:00 +0000", 1_456_704_000_000),     // leap day
    ] as [(String, Int64)])
    func rfc822(text: String, expected: Int64) {
        #expect(FeedDate.parseRFC822(text) == expected)
        #expect(FeedDate.parse(text) == expected)
    }

    /// Impossible dates, unknown zones and trailing junk give `nil`.
    @Test(arguments: [
        "", "not a date", "Wed, 31 Sep 2026 17:16:31 +0000", "Wed, 30 Foo 2026 17:16:31 +0000",
        "Wed, 30 Sep 2026 25:16:31 +0000", "Wed, 30 Sep 2026 17:16:31 CEST", "Wed, 30 Sep 2026 17:16:31 +0000 junk",
        "Sun, 29 Feb 2026 00:00:00 +0000", "Wed, 30 Sep 2026", "Wed, 30 Sep 2026 17:16:31 +2500",
    ])
    func rfc822Rejects(text: String) {
        #expect(FeedDate.parseRFC822(text) == nil)
        #expect(FeedDate.parse(text) == nil)
    }

    /// Each RFC 3339 / W3C-DTF variant parses to the expected epoch milliseconds.
    @Test(arguments: [
        ("2026-09-30T17:16:31Z", base),
        ("2026-09-30T17:16:31.123Z", base + 123),
        ("2026-09-30T17:16:31.123456789Z", base + 123),    // truncated to ms
        ("2026-09-30T17:16:31.5Z", base + 500),
        ("2026-09-30T19:16:31+02:00", base),
        ("2026-09-30T12:46:31-04:30", base),
        ("2026-09-30T19:16:31.250+0200", base + 250),
        ("2026-09-30T19:16:31+02", base),
        ("2026-09-30t17:16:31z", base),
        ("2026-09-30 17:16:31Z", base),
        ("2026-09-30T17:16:31", base),                     // no offset: UTC
        ("2026-09-30T17:16Z", base - 31_000),              // no seconds
        ("2026-09-30", base - 62_191_000),                 // date only: midnight UTC
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59Z", -1_000),
        ("2003-12-13T08:29:29-04:00", 1_071_318_569_000),  // RFC 4287 example
    ] as [(String, Int64)])
    func rfc3339(text: String, expected: Int64) {
        #expect(FeedDate.parseRFC3339(text) == expected)
        #expect(FeedDate.parse(text) == expected)
    }

    /// Out-of-range fields and malformed text give `nil`.
    @Test(arguments: [
        "2026-13-01T00:00:00Z", "2026-09-30T17:16:31+25:00", "2026-9-30T17:16:31Z", "2026-09-30T17:16:31Zjunk",
        "20260930T171631Z", "2026-09-31T00:00:00Z", "2026-09-30T17:60:00Z", "2026-09-30T",
    ])
    func rfc3339Rejects(text: String) {
        #expect(FeedDate.parseRFC3339(text) == nil)
    }
}
