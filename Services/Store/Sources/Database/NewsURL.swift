import Contracts
import Foundation

/// Normalisation of news links, so that the same story reached through slightly different URLs is stored once.
public enum NewsURL {
    /// Query parameters that only track the click and never select the content.
    static let trackingParameters: Set<String> = ["fbclid", "gclid", "mc_cid", "mc_eid", "ref", "ref_src", "cmpid"]

    /// The normalised form of `text`: scheme and host lower-cased, default port, fragment, `utm_*` and other
    /// tracking parameters removed, and a trailing slash dropped from the path (`https://Example.com/a/?utm_source=x#top`
    /// → `https://example.com/a`). The remaining query keeps its order.
    ///
    /// - Throws: `StoreError.invalidArgument` when `text` is not an absolute http(s) URL with a host.
    public static func normalize(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard var components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else {
            throw StoreError.invalidArgument("news URL is not an absolute http(s) URL: \(text.prefix(200))")
        }
        components.scheme = scheme
        components.host = host.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) {
            components.port = nil
        }
        components.fragment = nil
        components.user = nil
        components.password = nil
        if let items = components.queryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }
            components.queryItems = kept.isEmpty ? nil : kept
        }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        components.percentEncodedPath = path
        guard let result = components.string else {
            throw StoreError.invalidArgument("news URL cannot be rebuilt: \(text.prefix(200))")
        }
        return result
    }
}
