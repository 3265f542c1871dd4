import CryptoModels

/// Story identity and de-duplication across feeds.
public enum NewsIdentity {
    /// The stable id of a story: hex SHA-256 of its normalised link (`URLNormalizer.normalizedURL`, or the trimmed
    /// link when it cannot be normalised), else of its guid when there is no link; `nil` when it has neither.
    public static func id(link: String?, guid: String?) -> String? {
        if let link = link.map(HTMLText.collapsingWhitespace), !link.isEmpty {
            return SHA256.hex(URLNormalizer.normalizedURL(link) ?? link)
        }
        if let guid = guid.map(HTMLText.collapsingWhitespace), !guid.isEmpty {
            return SHA256.hex(guid)
        }
        return nil
    }

    /// `items` with later repeats removed: an item is dropped when an earlier kept item has the same `id`, or the
    /// same non-empty `guid`. Order is kept, so list the preferred feeds first.
    public static func deduplicated(_ items: [NewsItem]) -> [NewsItem] {
        var ids = Set<String>()
        var guids = Set<String>()
        var kept: [NewsItem] = []
        kept.reserveCapacity(items.count)
        for item in items {
            let guid = item.guid.flatMap { $0.isEmpty ? nil : $0 }
            if ids.contains(item.id) { continue }
            if let guid, guids.contains(guid) { continue }
            ids.insert(item.id)
            if let guid { guids.insert(guid) }
            kept.append(item)
        }
        return kept
    }

    /// `items` (from one or several parsed feeds) with later repeats removed, by `id` and by `guid`, as for `NewsItem`.
    public static func deduplicated(_ items: [FeedItem]) -> [FeedItem] {
        var ids = Set<String>()
        var guids = Set<String>()
        return items.filter { item in
            if let id = item.id, ids.contains(id) { return false }
            if let guid = item.guid, !guid.isEmpty, guids.contains(guid) { return false }
            if let id = item.id { ids.insert(id) }
            if let guid = item.guid, !guid.isEmpty { guids.insert(guid) }
            return true
        }
    }
}
