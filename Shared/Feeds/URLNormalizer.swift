/// URL normalisation for story identity, and resolution of relative links.
///
/// `normalizedURL` makes the different spellings of one story's address equal:
/// - scheme and host lower-cased; the default port (`:80` for http, `:443` for https) dropped;
/// - the fragment dropped;
/// - tracking parameters dropped: every `utm_*`, plus `fbclid`, `gclid`, `dclid`, `gbraid`, `wbraid`, `msclkid`,
///   `yclid`, `mc_cid`, `mc_eid`, `igshid` (names compared case-insensitively); empty parameters dropped;
/// - the remaining query parameters sorted (by their full `name=value` text), `?` dropped when none remain;
/// - percent-encoded unreserved characters (`A–Z a–z 0–9 - . _ ~`) decoded, other escapes' hex upper-cased;
/// - `.` and `..` path segments removed; an empty path becomes `/`; a trailing `/` removed except for the root.
/// Only `scheme://authority…` URLs are normalised; anything else gives `nil`.
public enum URLNormalizer {
    /// Query parameter names (besides the `utm_` prefix) that only track the click, never select content.
    public static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid",
    ]

    /// The normalised form of `url`, or `nil` when it is not an absolute `scheme://authority` URL.
    public static func normalizedURL(_ url: String) -> String? {
        guard let parts = Parts(HTMLText.collapsingWhitespace(url)) else { return nil }
        let scheme = parts.scheme.lowercased()
        var authority = ""
        if let userinfo = parts.userinfo { authority += userinfo + "@" }
        authority += parts.host.lowercased()
        if let port = parts.port {
            if !port.isEmpty {
                guard port.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(port), number <= 65_535
                else { return nil }
                let isDefault = (scheme == "http" && number == 80) || (scheme == "https" && number == 443)
                if !isDefault { authority += ":" + String(number) }
            }
        }
        var path = removeDotSegments(normalizePercentEncoding(parts.path))
        if path.isEmpty { path = "/" }
        while path.utf8.count > 1, path.utf8.last == UInt8(ascii: "/") { path.removeLast() }
        var result = scheme + "://" + authority + path
        if let query = parts.query {
            let kept = query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
                .map { normalizePercentEncoding(String(Substring($0))) }
                .filter { !isTracking($0) }
                .sorted()
            if !kept.isEmpty { result += "?" + kept.joined(separator: "&") }
        }
        return result
    }

    /// `reference` resolved against the absolute URL `base` (RFC 3986 §5.2, without normalising); `reference`
    /// itself when it is already absolute; `nil` when `base` is not an absolute `scheme://` URL.
    public static func resolve(_ reference: String, against base: String) -> String? {
        let ref = HTMLText.collapsingWhitespace(reference)
        if Parts.scheme(of: ref) != nil { return ref }
        guard let b = Parts(HTMLText.collapsingWhitespace(base)) else { return nil }
        let origin = b.scheme + "://" + b.rawAuthority
        if ref.hasPrefix("//") { return b.scheme + ":" + ref }
        if ref.hasPrefix("/") { return origin + removeDotSegments(ref) }
        if ref.isEmpty { return origin + b.path + (b.query.map { "?" + $0 } ?? "") }
        if ref.hasPrefix("?") { return origin + b.path + ref }
        if ref.hasPrefix("#") { return origin + b.path + (b.query.map { "?" + $0 } ?? "") + ref }
        let directory: Substring = b.path.lastIndex(of: "/").map { b.path[...$0] } ?? "/"
        return origin + removeDotSegments(String(directory) + ref)
    }

    private static func isTracking(_ parameter: String) -> Bool {
        let name = parameter.utf8.firstIndex(of: UInt8(ascii: "=")).map { parameter[..<$0].lowercased() }
            ?? parameter.lowercased()
        return name.hasPrefix("utm_") || trackingParameters.contains(name)
    }

    /// Decodes `%XX` escapes of unreserved characters and upper-cases the hex digits of the others.
    static func normalizePercentEncoding(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                let value = hi << 4 | lo
                if isUnreserved(value) {
                    out.append(value)
                } else {
                    out.append(UInt8(ascii: "%"))
                    out.append(upperHex(hi))
                    out.append(upperHex(lo))
                }
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 §5.2.4 `remove_dot_segments`.
    static func removeDotSegments(_ path: String) -> String {
        guard path.utf8.contains(UInt8(ascii: ".")) else { return path }
        let absolute = path.hasPrefix("/")
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (k, segment) in segments.enumerated() {
            if k == 0 && absolute { continue }
            switch segment {
            case ".": if k == segments.count - 1 { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if k == segments.count - 1 { output.append("") }
            default: output.append(segment)
            }
        }
        return (absolute ? "/" : "") + output.joined(separator: "/")
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    private static func upperHex(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x41 + v - 10 }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E
            || b == 0x5F || b == 0x7E
    }
}
