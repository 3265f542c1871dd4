import Contracts
import CryptoModels
import Foundation
import Testing
@testable import Store

/// News: URL normalisation, dedup by URL and guid, sentiment, paging and filters.
@Suite struct NewsStoreTests {
    static let coindeskLink = "https://www.coindesk.com/news-analysis/2026/09/30/crypto-industry-gave-usd8-million-to-clarity-act-lobbyists-who-didn-t-close-the-deal"

    @Test(arguments: [
        ("HTTPS://WWW.CoinDesk.com/news-analysis/2026/09/30/crypto-industry-gave-usd8-million-to-clarity-act-lobbyists-who-didn-t-close-the-deal", "scheme/host case"),
        ("https://www.coindesk.com/news-analysis/2026/09/30/crypto-industry-gave-usd8-million-to-clarity-act-lobbyists-who-didn-t-close-the-deal/", "trailing slash"),
        ("https://www.coindesk.com/news-analysis/2026/09/30/crypto-industry-gave-usd8-million-to-clarity-act-lobbyists-who-didn-t-close-the-deal?utm_source=rss&utm_medium=feed", "utm params"),
        ("https://www.coindesk.com/news-analysis/2026/09/30/crypto-industry-gave-usd8-million-to-clarity-act-lobbyists-who-didn-t-close-the-deal#comments", "fragment"),
        ("https://www.coindesk.com:443/news-analysis/2026/09/30/crypto-industry-gave-usd8-million-to-clarity-act-lobbyists-who-didn-t-close-the-deal/?utm_campaign=x#top", "all at once"),
    ])
    func urlVariantsNormaliseToTheSameKey(variant: String, what: String) throws {
        #expect(try NewsURL.normalize(variant) == Self.coindeskLink, "\(what)")
    }

    @Test func normalisationKeepsMeaningfulQueryAndRejectsGarbage() throws {
        #expect(try NewsURL.normalize("https://Example.com/story?id=42&utm_term=a&page=2") == "https://example.com/story?id=42&page=2")
        #expect(try NewsURL.normalize("https://example.com/") == "https://example.com")
        #expect(throws: StoreError.self) { try NewsURL.normalize("not a url") }
        #expect(throws: StoreError.self) { try NewsURL.normalize("ftp://example.com/file") }
        #expect(throws: StoreError.self) { try NewsURL.normalize("/relative/path") }
    }

    @Test func dedupByNormalisedURLAndByGuid() async throws {
        try await withStore { store, _ async throws in
            let coindesk = try Fixtures.rssItems("rss/coindesk.xml", source: "CoinDesk")
            let cointelegraph = try Fixtures.rssItems("rss/cointelegraph.xml", source: "Cointelegraph")
            #expect(coindesk.count == 4)
            #expect(cointelegraph.count == 3)
            let first = try await store.upsertNews(coindesk + cointelegraph)
            #expect(first.newIDs == (coindesk + cointelegraph).map(\.id))
            #expect(first.existing == 0)

            // Same story through a decorated URL and no guid: recognised by its normalised URL.
            var decorated = coindesk[0]
            decorated.id = "other-id-1"
            decorated.guid = nil
            decorated.url = "HTTPS://www.coindesk.com" + String(Self.coindeskLink.dropFirst("https://www.coindesk.com".count))
                + "/?utm_source=twitter#top"
            decorated.assets = ["BTC"]
            // Same guid under a new URL: the same item too.
            var moved = coindesk[1]
            moved.id = "other-id-2"
            moved.url = "https://www.coindesk.com/business/2026/09/24/renamed-slug"
            let again = try await store.upsertNews([decorated, moved])
            #expect(again.newIDs.isEmpty)
            #expect(again.existing == 2)

            let page = try await store.newsPage(NewsQuery(page: 1, pageSize: 50))
            #expect(page.total == 7)
            #expect(Set(page.items.map(\.id)) == Set((coindesk + cointelegraph).map(\.id)))
            // The asset given with the duplicate was attached to the stored item.
            let stored = try #require(page.items.first { $0.id == coindesk[0].id })
            #expect(stored.assets == ["BTC"])
            #expect(stored.guid == "aae5dfb1-54bc-455f-a89a-5ec5d919c3b0")
            #expect(stored.url == Self.coindeskLink)
        }
    }

    @Test func sentimentQueueAndFilteredPages() async throws {
        try await withStore { store, _ async throws in
            var items = try Fixtures.rssItems("rss/coindesk.xml", source: "CoinDesk")
                + Fixtures.rssItems("rss/cointelegraph.xml", source: "Cointelegraph")
            items[0].assets = ["btc", "ETH"]
            items[4].assets = ["ADA"]
            items[5].assets = ["BTC"]
            _ = try await store.upsertNews(items)

            // Newest first: Cointelegraph's 17:17:54 item is the latest of all seven.
            let all = try await store.newsPage(NewsQuery(page: 1, pageSize: 3))
            #expect(all.total == 7)
            #expect(all.items.count == 3)
            #expect(all.items[0].title == "Brazil’s Petrobras uses Cardano to track sustainable aviation fuel, renewable diesel")
            #expect(all.items.map(\.publishedAt) == all.items.map(\.publishedAt).sorted(by: >))
            let page3 = try await store.newsPage(NewsQuery(page: 3, pageSize: 3))
            #expect(page3.items.count == 1)
            let everyID = (all.items + (try await store.newsPage(NewsQuery(page: 2, pageSize: 3))).items + page3.items).map(\.id)
            #expect(Set(everyID).count == 7)

            let unscored = try await store.newsNeedingSentiment(limit: 10)
            #expect(unscored.count == 7)
            let score = SentimentScore(label: "positive", score: 0.91, probabilities: ["positive": 0.91, "neutral": 0.07, "negative": 0.02],
                                       model: "finbert-minilm", modelVersion: "2026-09")
            #expect(try await store.setNewsSentiment(id: items[4].id, sentiment: score))
            #expect(try await store.setNewsSentiment(id: "no-such-id", sentiment: score) == false)
            #expect(try await store.newsNeedingSentiment(limit: 10).map(\.id).contains(items[4].id) == false)
            #expect(try await store.newsNeedingSentiment(limit: 2).count == 2)

            let positive = try await store.newsPage(NewsQuery(sentimentLabel: "positive"))
            #expect(positive.total == 1)
            #expect(positive.items.first?.sentiment == score)
            #expect(positive.items.first?.assets == ["ADA"])

            let btc = try await store.newsPage(NewsQuery(asset: "BTC"))
            #expect(btc.total == 2)
            #expect(Set(btc.items.map(\.id)) == [items[0].id, items[5].id])
            let ethOnCoinDesk = try await store.newsPage(NewsQuery(source: "CoinDesk", asset: "eth"))
            #expect(ethOnCoinDesk.items.map(\.id) == [items[0].id])
            #expect(ethOnCoinDesk.items.first?.assets == ["BTC", "ETH"])
            #expect(try await store.newsPage(NewsQuery(source: "Cointelegraph")).total == 3)

            await #expect(throws: StoreError.self) { try await store.newsPage(NewsQuery(page: 0)) }
            await #expect(throws: StoreError.self) { try await store.newsPage(NewsQuery(pageSize: 501)) }
        }
    }

    @Test func malformedNewsIsRejectedWholeBatch() async throws {
        try await withStore { store, _ async throws in
            let items = try Fixtures.rssItems("rss/coindesk.xml", source: "CoinDesk")
            var broken = items[1]
            broken.url = "coindesk article"
            await #expect(throws: StoreError.self) { try await store.upsertNews([items[0], broken]) }
            #expect(try await store.newsPage(NewsQuery()).total == 0)
        }
    }
}
