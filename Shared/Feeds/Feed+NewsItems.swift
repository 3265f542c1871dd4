import CryptoModels

extension Feed {
    /// The feed's items as `NewsItem`s for the store and the API.
    ///
    /// - `url` is the normalised link (`URLNormalizer.normalizedURL`), `id` the item's stable id;
    /// - `publishedAt` is the item's publication time, else its update time, else `fallbackPublishedAt`
    ///   (pass the fetch time to keep undated items; with `nil` they are left out rather than given a made-up time);
    /// - `assets` are the symbols `tagger` finds in the title and summary (empty without a tagger).
    ///
    /// Items without a title, or without an absolute link (a relative link the feed gave no base for), are left
    /// out: a story needs both to be shown.
    public func newsItems(source: String, tagger: AssetTagger? = nil,
                          fallbackPublishedAt: EpochMillis? = nil) -> [NewsItem] {
        items.compactMap { item in
            guard !item.title.isEmpty, let url = item.link.flatMap(URLNormalizer.normalizedURL), let id = item.id,
                  let published = item.publishedAt ?? item.updatedAt ?? fallbackPublishedAt else { return nil }
            return NewsItem(
                id: id,
                guid: item.guid,
                url: url,
                title: item.title,
                summary: item.summary,
                source: source,
                publishedAt: published,
                assets: tagger?.symbols(title: item.title, summary: item.summary) ?? []
            )
        }
    }
}
