import Foundation

/// Conditional GET (RFC 9110 §13): decides whether a route's response can be a 304.
enum ConditionalGet {
    /// True when the request's validators show the client already holds the route's current body.
    ///
    /// `If-None-Match` wins over `If-Modified-Since` when both are sent (RFC 9110 §13.2.2).
    static func isNotModified(route: ReplayRoute, ifNoneMatch: String?, ifModifiedSince: String?) -> Bool {
        if let ifNoneMatch {
            guard let etag = route.etag else { return false }
            return matches(ifNoneMatch: ifNoneMatch, etag: etag)
        }
        if let ifModifiedSince, let lastModified = route.lastModified, let since = HTTPDate.parse(ifModifiedSince) {
            return lastModified.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
        }
        return false
    }

    /// Weak comparison of a comma-separated `If-None-Match` list (or `*`) against one entity tag.
    static func matches(ifNoneMatch: String, etag: String) -> Bool {
        let wanted = opaque(etag)
        for candidate in ifNoneMatch.split(separator: ",") {
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            if trimmed == "*" || opaque(trimmed) == wanted { return true }
        }
        return false
    }

    /// The entity tag with any `W/` prefix removed, quotes kept.
    static func opaque(_ tag: String) -> String {
        tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
    }

    /// Puts a bare tag in quotes (`abc` → `"abc"`); quoted and weak tags are kept as written.
    static func quoted(_ tag: String) -> String {
        if tag.hasPrefix("\"") || tag.hasPrefix("W/\"") { return tag }
        return "\"\(tag)\""
    }

    /// A strong tag derived from the body bytes (64-bit FNV-1a), for routes declaring `"etag": "auto"`.
    static func autoETag(for bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }
}

/// HTTP date parsing and formatting (IMF-fixdate, plus the RFC 822 numeric-zone form feeds use).
enum HTTPDate {
    private static let patterns = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // Sun, 06 Nov 1994 08:49:37 GMT
        "EEE, dd MMM yyyy HH:mm:ss Z",  // Wed, 30 Sep 2026 17:27:11 +0000
        "EEEE, dd-MMM-yy HH:mm:ss zzz",  // RFC 850
        "EEE MMM d HH:mm:ss yyyy",  // asctime
    ]

    /// Parses an HTTP date; `nil` when the text is not one.
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for pattern in patterns {
            if let date = formatter(pattern).date(from: trimmed) { return date }
        }
        return nil
    }

    /// Formats as IMF-fixdate (`Wed, 30 Sep 2026 17:27:11 GMT`).
    static func format(_ date: Date) -> String {
        formatter("EEE, dd MMM yyyy HH:mm:ss 'GMT'").string(from: date)
    }

    /// A fresh formatter per call: `DateFormatter` is not safe to share across threads.
    private static func formatter(_ pattern: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = pattern
        return formatter
    }
}
