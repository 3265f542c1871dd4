import Contracts
import CryptoModels
import Feeds
import Foundation
import ProviderKit

/// CryptoPanic's posts API (`GET {base}/posts/?auth_token=…&public=true&kind=news`), polled with the feeds when
/// `CRYPTOPANIC_API_KEY` is set. The key travels only in the request URL and never appears in logs, errors or health
/// (``FeedSource/redacted(_:)`` drops the query). Items are stored with source `CryptoPanic`.
public enum CryptoPanic {
    /// The source name of CryptoPanic items and of its health component (`feed:CryptoPanic`).
    public static let sourceName = "CryptoPanic"

    /// The feed spec for a base URL and key (the key in the query, as the API wants it).
    public static func spec(baseURL: String, key: String) -> FeedSpec {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let token = key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key
        return FeedSpec(name: sourceName, url: "\(base)/posts/?auth_token=\(token)&public=true&kind=news")
    }

    /// One post as the API sends it (v1 and developer v2 fields; everything optional, unknown fields ignored).
    struct Post: Decodable {
        struct Currency: Decodable { var code: String? }
        struct Source: Decodable { var title: String?; var domain: String? }
        var id: Int?
        var slug: String?
        var title: String?
        var description: String?
        var publishedAt: String?
        var url: String?
        var originalURL: String?
        var kind: String?
        var currencies: [Currency]?
        var instruments: [Currency]?
        var source: Source?

        enum CodingKeys: String, CodingKey {
            case id, slug, title, description, publishedAt = "published_at", url, originalURL = "original_url", kind,
                 currencies, instruments, source
        }
    }

    struct Page: Decodable { var results: [Post]? }

    /// Parses a posts answer into news items: the original article URL when given (so a story also in a feed is
    /// stored once), else CryptoPanic's own page; assets from the post's currencies plus the tagger.
    /// - Throws: `ProviderFailure` (`malformed`) when the body is not a posts answer.
    public static func items(from body: Data, tagger: AssetTagger) throws(ProviderFailure) -> [NewsItem] {
        let page: Page
        do {
            page = try JSONDecoder().decode(Page.self, from: body)
        } catch {
            throw ProviderFailure(provider: "feed:\(sourceName)", kind: .malformed, message: "not a CryptoPanic posts answer")
        }
        guard let posts = page.results else {
            throw ProviderFailure(provider: "feed:\(sourceName)", kind: .malformed, message: "no `results` in the answer")
        }
        return posts.compactMap { post -> NewsItem? in
            guard post.kind == nil || post.kind == "news",
                  let title = post.title.map(HTMLText.collapsingWhitespace), !title.isEmpty,
                  let published = post.publishedAt.flatMap(FeedDate.parse) else { return nil }
            let pageURL = post.id.map { "https://cryptopanic.com/news/\($0)/\(post.slug ?? "")" }
            guard let link = [post.originalURL, post.url, pageURL].compactMap({ $0 }).first(where: { !$0.isEmpty }),
                  let url = URLNormalizer.normalizedURL(link), let id = NewsIdentity.id(link: link, guid: nil) else { return nil }
            let summary = post.description.map { HTMLText.plainText($0, maxLength: HTMLText.defaultMaxLength) }.flatMap { $0.isEmpty ? nil : $0 }
            var assets = (post.instruments ?? post.currencies ?? []).compactMap { $0.code?.uppercased() }.filter { !$0.isEmpty }
            for symbol in tagger.symbols(title: title, summary: summary) where !assets.contains(symbol) { assets.append(symbol) }
            return NewsItem(id: id, guid: post.id.map { "cryptopanic:\($0)" }, url: url, title: title, summary: summary,
                            source: sourceName, publishedAt: published, assets: assets)
        }
    }
}
