import Contracts
import CryptoModels
import Foundation
import GRDB

/// News items, their assets and their sentiment.
extension SQLiteHistoryStore {
    /// Largest page size `newsPage` accepts.
    public static let maxNewsPageSize = 500

    /// Columns read for a `NewsItem`.
    static let newsColumns = """
        id, guid, url, title, summary, source, published_at, sentiment_label, sentiment_score,
        sentiment_model, sentiment_model_version, sentiment_probabilities
        """

    /// Implements `HistoryStore.upsertNews` (see the protocol for the contract).
    public func upsertNews(_ items: [NewsItem]) async throws -> NewsUpsertResult {
        // Validate and normalise everything before opening the transaction.
        let prepared: [(item: NewsItem, normalized: String, guid: String?)] = try items.map { item in
            try Self.require(item.id, "news id")
            try Self.require(item.title, "news title")
            try Self.require(item.source, "news source")
            let guid = item.guid?.trimmingCharacters(in: .whitespacesAndNewlines)
            return (item, try NewsURL.normalize(item.url), (guid?.isEmpty ?? true) ? nil : guid)
        }
        guard !prepared.isEmpty else { return NewsUpsertResult(newIDs: [], existing: 0) }
        return try await pool.write { db in
            var newIDs: [String] = []
            var existing = 0
            for (item, normalized, guid) in prepared {
                let storedID = try String.fetchOne(db, sql: """
                    SELECT id FROM news WHERE url_normalized = ? OR guid = ? OR id = ? LIMIT 1
                    """, arguments: [normalized, guid, item.id])
                let id: String
                if let storedID {
                    id = storedID
                    existing += 1
                    try db.execute(sql: """
                        UPDATE news SET title = ?, summary = coalesce(?, summary),
                          guid = CASE WHEN guid IS NULL AND NOT EXISTS (SELECT 1 FROM news WHERE guid = ?) THEN ? ELSE guid END
                        WHERE id = ?
                        """, arguments: [item.title, item.summary, guid, guid, id])
                } else {
                    id = item.id
                    newIDs.append(id)
                    try db.execute(sql: """
                        INSERT INTO news (id, guid, url, url_normalized, title, summary, source, published_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [id, guid, item.url, normalized, item.title, item.summary, item.source,
                                         item.publishedAt])
                }
                let assetStatement = try db.cachedStatement(sql: """
                    INSERT INTO news_assets (symbol, news_id) VALUES (?, ?) ON CONFLICT DO NOTHING
                    """)
                for symbol in Set(item.assets.map { $0.uppercased() }) where !symbol.isEmpty {
                    try assetStatement.execute(arguments: [symbol, id])
                }
                if let sentiment = item.sentiment {
                    try Self.writeSentiment(sentiment, id: id, onlyIfMissing: storedID != nil, in: db)
                }
            }
            return NewsUpsertResult(newIDs: newIDs, existing: existing)
        }
    }

    /// Implements `HistoryStore.setNewsSentiment` (see the protocol for the contract).
    public func setNewsSentiment(id: String, sentiment: SentimentScore) async throws -> Bool {
        try Self.require(id, "news id")
        try Self.require(sentiment.label, "sentiment label")
        return try await pool.write { db in
            try Self.writeSentiment(sentiment, id: id, onlyIfMissing: false, in: db)
            return db.changesCount > 0
        }
    }

    /// Stores a sentiment on a news row.
    static func writeSentiment(_ sentiment: SentimentScore, id: String, onlyIfMissing: Bool, in db: Database) throws {
        try db.execute(sql: """
            UPDATE news SET sentiment_label = ?, sentiment_score = ?, sentiment_model = ?,
              sentiment_model_version = ?, sentiment_probabilities = ?
            WHERE id = ?\(onlyIfMissing ? " AND sentiment_label IS NULL" : "")
            """, arguments: [sentiment.label, sentiment.score, sentiment.model, sentiment.modelVersion,
                             try jsonText(sentiment.probabilities), id])
    }

    /// Implements `HistoryStore.newsNeedingSentiment` (see the protocol for the contract).
    public func newsNeedingSentiment(limit: Int) async throws -> [NewsItem] {
        guard limit >= 1 else { throw StoreError.invalidArgument("limit must be at least 1, got \(limit)") }
        return try await pool.read { db in
            try Self.fetchNews(db, sql: """
                SELECT \(Self.newsColumns) FROM news WHERE sentiment_label IS NULL
                ORDER BY published_at DESC, id DESC LIMIT ?
                """, arguments: [limit])
        }
    }

    /// Implements `HistoryStore.newsPage` (see the protocol for the contract).
    public func newsPage(_ query: NewsQuery) async throws -> NewsPage {
        guard query.page >= 1 else { throw StoreError.invalidArgument("page must be at least 1, got \(query.page)") }
        guard (1...Self.maxNewsPageSize).contains(query.pageSize) else {
            throw StoreError.invalidArgument("pageSize must be 1…\(Self.maxNewsPageSize), got \(query.pageSize)")
        }
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let source = query.source {
            conditions.append("source = ?")
            _ = arguments.append(contentsOf: [source])
        }
        if let asset = query.asset {
            conditions.append("id IN (SELECT news_id FROM news_assets WHERE symbol = ?)")
            _ = arguments.append(contentsOf: [asset.uppercased()])
        }
        if let label = query.sentimentLabel {
            conditions.append("sentiment_label = ?")
            _ = arguments.append(contentsOf: [label])
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let (offset, overflow) = (query.page - 1).multipliedReportingOverflow(by: query.pageSize)
        guard !overflow else { throw StoreError.invalidArgument("page \(query.page) is too large") }
        let filterArguments = arguments
        return try await pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM news \(whereClause)", arguments: filterArguments) ?? 0
            var pageArguments = filterArguments
            _ = pageArguments.append(contentsOf: [query.pageSize, offset])
            let items = try Self.fetchNews(db, sql: """
                SELECT \(Self.newsColumns) FROM news \(whereClause)
                ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?
                """, arguments: pageArguments)
            return NewsPage(items: items, total: total, page: query.page, pageSize: query.pageSize)
        }
    }

    /// Fetches news rows and attaches their assets.
    static func fetchNews(_ db: Database, sql: String, arguments: StatementArguments) throws -> [NewsItem] {
        var items = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row -> NewsItem in
            var sentiment: SentimentScore?
            if let label: String = row["sentiment_label"] {
                let probabilities: String? = row["sentiment_probabilities"]
                sentiment = SentimentScore(
                    label: label, score: row["sentiment_score"] ?? 0,
                    probabilities: try probabilities.map {
                        try decodeJSON([String: Double].self, $0, table: "news", column: "sentiment_probabilities")
                    } ?? [:],
                    model: row["sentiment_model"] ?? "", modelVersion: row["sentiment_model_version"] ?? "")
            }
            return NewsItem(id: row["id"], guid: row["guid"], url: row["url"], title: row["title"],
                            summary: row["summary"], source: row["source"], publishedAt: row["published_at"],
                            assets: [], sentiment: sentiment)
        }
        guard !items.isEmpty else { return items }
        let ids = items.map(\.id)
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        var assets: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT news_id, symbol FROM news_assets WHERE news_id IN (\(placeholders)) ORDER BY symbol
            """, arguments: StatementArguments(ids)) {
            assets[row["news_id"], default: []].append(row["symbol"])
        }
        for index in items.indices { items[index].assets = assets[items[index].id] ?? [] }
        return items
    }
}
