import Contracts
import CryptoModels
import Feeds
import Foundation
import NewsSentiment
import ProviderKit
import ReplayUpstream
import Synchronization

/// An in-memory `NewsStore` with store-svc's dedup rule (same id, guid or normalised URL → one row; the first
/// stored publication time and sentiment are kept), for in-process tests of the ingestor, scorer and aggregator.
final class MemoryNewsStore: NewsStore {
    private let rows = Mutex<[NewsItem]>([])
    private let fearGreedRows = Mutex<[Int64: FearGreedEntry]>([:])
    /// Calls of `upsert`.
    let upserts = Mutex(0)

    var items: [NewsItem] { rows.withLock { $0 } }

    func upsert(_ items: [NewsItem]) async throws -> NewsUpsertResult {
        upserts.withLock { $0 += 1 }
        return rows.withLock { rows in
            var newIDs: [String] = []
            var existing = 0
            for item in items {
                let url = URLNormalizer.normalizedURL(item.url)
                if let index = rows.firstIndex(where: { $0.id == item.id || (item.guid != nil && $0.guid == item.guid)
                    || URLNormalizer.normalizedURL($0.url) == url }) {
                    existing += 1
                    rows[index].title = item.title
                    for asset in item.assets where !rows[index].assets.contains(asset) { rows[index].assets.append(asset) }
                } else {
                    newIDs.append(item.id)
                    var stored = item
                    stored.sentiment = nil
                    rows.append(stored)
                }
            }
            return NewsUpsertResult(newIDs: newIDs, existing: existing)
        }
    }

    func pendingSentiment(limit: Int) async throws -> [NewsItem] {
        rows.withLock { Array($0.filter { $0.sentiment == nil }.sorted { $0.publishedAt > $1.publishedAt }.prefix(limit)) }
    }

    func setSentiment(id: String, _ score: SentimentScore) async throws -> Bool {
        rows.withLock { rows in
            guard let index = rows.firstIndex(where: { $0.id == id }) else { return false }
            rows[index].sentiment = score
            return true
        }
    }

    func page(_ params: Store.NewsPageQuery.Params) async throws -> NewsPage {
        let all = rows.withLock { $0 }.sorted { ($0.publishedAt, $0.id) > ($1.publishedAt, $1.id) }
        let start = (params.page - 1) * params.pageSize
        let slice = start < all.count ? Array(all[start..<min(all.count, start + params.pageSize)]) : []
        return NewsPage(items: slice, total: all.count, page: params.page, pageSize: params.pageSize)
    }

    func upsertFearGreed(_ entries: [FearGreedEntry]) async throws {
        fearGreedRows.withLock { rows in for entry in entries { rows[entry.ts / 86_400_000] = entry } }
    }

    func fearGreed(from: EpochMillis, to: EpochMillis) async throws -> [FearGreedEntry] {
        fearGreedRows.withLock { $0.values.filter { (from...to).contains($0.ts) }.sorted { $0.ts < $1.ts } }
    }
}

/// Paths of the test fixtures and a running in-process replay upstream.
enum NewsFixtures {
    /// `Tests/Fixtures`.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Runs `body` with the replay upstream serving `Tests/Fixtures/replay/routes.json`.
    static func withReplay(_ body: (ReplayServer, String) async throws -> Void) async throws {
        let server = try ReplayServer(configuration: .init(
            host: "127.0.0.1", port: 0, fixturesDirectory: directory,
            routesFile: directory.appendingPathComponent("replay/routes.json")))
        try await server.withRunning { address in try await body(server, address.baseURL) }
    }

    /// Runs `body` with the replay upstream and a provider HTTP client (shut down afterwards).
    static func withReplayAndHTTP(_ body: (ReplayServer, String, ProviderHTTP) async throws -> Void) async throws {
        // Generous timeouts: `make test` runs every suite at once on a small machine; the hang tests set their own.
        let http = ProviderHTTP(configuration: .init(connectTimeout: .seconds(5), requestTimeout: .seconds(10), maxBodyBytes: 5 << 20))
        do {
            try await withReplay { server, base in try await body(server, base, http) }
        } catch {
            await http.shutdown()
            throw error
        }
        await http.shutdown()
    }

    /// An RFC 822 date (`Sat, 21 Nov 2026 21:40:00 +0000`) for `ms`.
    static func rfc822(_ ms: EpochMillis) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1_000))
    }

    /// Link of CoinDesk's first item and Cointelegraph's first item in the captures.
    static let coindeskFirst = "https://www.coindesk.com/news-analysis/2026/09/30/crypto-industry-gave-usd8-million-to-clarity-act-lobbyists-who-didn-t-close-the-deal"
    static let cointelegraphFirst = "https://cointelegraph.com/news/brazils-petrobras-uses-cardano-to-track-sustainable-aviation-fuel-renewable-diesel"

    /// A written RSS 2.0 aggregator feed (RSS 2.0 specification) that re-posts CoinDesk's and Cointelegraph's first
    /// stories (other guids, tracking parameters on the link) and has two stories of its own, published 10 minutes
    /// and 2 hours before `now`.
    static func repostFeed(now: EpochMillis) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>Aggregator</title><link>https://news.example.org/</link>
        <item><title>Crypto industry gave $8 million to Clarity Act lobbyists who didn't close the deal</title>
          <link>\(coindeskFirst)?utm_source=aggregator&amp;utm_medium=rss</link>
          <guid isPermaLink="false">agg-1</guid><pubDate>Wed, 30 Sep 2026 17:16:31 +0000</pubDate></item>
        <item><title>Brazil's Petrobras uses Cardano to track sustainable aviation fuel</title>
          <link>\(cointelegraphFirst)</link>
          <guid isPermaLink="false">agg-2</guid><pubDate>Wed, 30 Sep 2026 17:17:54 +0000</pubDate></item>
        <item><title>Bitcoin rallies as ETF inflows jump to a record</title>
          <link>https://news.example.org/bitcoin-etf-inflows-record</link>
          <description><![CDATA[<p>Bitcoin <b>rose 5%</b> &amp; traders cheered.</p>]]></description>
          <guid isPermaLink="false">agg-3</guid><pubDate>\(rfc822(now - 600_000))</pubDate></item>
        <item><title>Ethereum developers delay the upgrade; ETH slips</title>
          <link>https://news.example.org/ethereum-upgrade-delay</link>
          <guid isPermaLink="false">agg-4</guid><pubDate>\(rfc822(now - 7_200_000))</pubDate></item>
        </channel></rss>
        """
    }
}
