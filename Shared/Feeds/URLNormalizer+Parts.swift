extension URLNormalizer {
    /// The components of a `scheme://authority/path?query#fragment` URL, as written.
    struct Parts {
        /// Scheme as written (`HTTPS`).
        var scheme: String
        /// `user:pass` before `@`, if any.
        var userinfo: String?
        /// Host as written (an IPv6 literal keeps its brackets).
        var host: String
        /// Port text after `:` (possibly empty), if any.
        var port: String?
        /// The authority exactly as written.
        var rawAuthority: String
        /// Path (empty or starting with `/`).
        var path: String
        /// Query without `?`, if any.
        var query: String?

        /// Splits `url`; `nil` when it has no `scheme://` or an empty host. Works on the UTF-8 view (no
        /// grapheme breaking), since every delimiter is ASCII.
        init?(_ url: String) {
            guard let scheme = Parts.scheme(of: url) else { return nil }
            let utf8 = url.utf8
            var i = scheme.endIndex           // at ':'
            i = utf8.index(after: i)
            guard i < utf8.endIndex, utf8[i] == UInt8(ascii: "/"), utf8.index(after: i) < utf8.endIndex,
                  utf8[utf8.index(after: i)] == UInt8(ascii: "/") else { return nil }
            let authorityStart = utf8.index(i, offsetBy: 2)
            let end = utf8[authorityStart...].firstIndex(of: UInt8(ascii: "#")) ?? utf8.endIndex
            let authorityEnd = utf8[authorityStart..<end].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) ?? end
            let authority = url[authorityStart..<authorityEnd]
            var hostStart = authorityStart
            if let at = utf8[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) {
                userinfo = String(url[authorityStart..<at])
                hostStart = utf8.index(after: at)
            }
            let hostPort = url[hostStart..<authorityEnd]
            if hostPort.utf8.first == UInt8(ascii: "["), let close = hostPort.utf8.firstIndex(of: UInt8(ascii: "]")) {
                host = String(url[hostStart...close])
                let after = utf8.index(after: close)
                port = after < authorityEnd && utf8[after] == UInt8(ascii: ":")
                    ? String(url[utf8.index(after: after)..<authorityEnd]) : nil
            } else if let colon = hostPort.utf8.lastIndex(of: UInt8(ascii: ":")) {
                host = String(url[hostStart..<colon])
                port = String(url[utf8.index(after: colon)..<authorityEnd])
            } else {
                host = String(hostPort)
            }
            guard !host.isEmpty else { return nil }
            var pathEnd = end
            if let q = utf8[authorityEnd..<end].firstIndex(of: UInt8(ascii: "?")) {
                query = String(url[utf8.index(after: q)..<end])
                pathEnd = q
            }
            self.scheme = String(scheme)
            rawAuthority = String(authority)
            path = String(url[authorityEnd..<pathEnd])
        }

        /// The scheme of an absolute URI (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`), or `nil`.
        static func scheme(of text: String) -> Substring? {
            guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let scheme = text[..<colon]
            guard let first = scheme.utf8.first, (first | 0x20) >= 0x61, (first | 0x20) <= 0x7A,
                  scheme.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A || ($0 >= 0x30 && $0 <= 0x39)
                      || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }) else { return nil }
            return scheme
        }
    }
}
