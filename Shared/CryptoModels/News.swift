/// A sentiment judgement by a model.
public struct SentimentScore: Sendable, Hashable, Codable {
    /// The winning label (`positive`, `negative`, `neutral`, or `bullish`/`bearish`/`neutral`).
    public var label: String
    /// Probability of the winning label.
    public var score: Double
    /// Probability per label.
    public var probabilities: [String: Double]
    /// Model identifier.
    public var model: String
    /// Model version.
    public var modelVersion: String

    /// Creates a score.
    public init(label: String, score: Double, probabilities: [String: Double], model: String, modelVersion: String) {
        self.label = label
        self.score = score
        self.probabilities = probabilities
        self.model = model
        self.modelVersion = modelVersion
    }

    enum CodingKeys: String, CodingKey {
        case label, score, probabilities, model, modelVersion = "model_version"
    }
}

/// A news story from a feed.
public struct NewsItem: Sendable, Hashable, Codable {
    /// Stable id derived from the normalised URL or guid.
    public var id: String
    /// The feed's guid, when it has one.
    public var guid: String?
    /// Canonical link to the story.
    public var url: String
    /// Headline, plain text.
    public var title: String
    /// Summary, plain text (HTML stripped).
    public var summary: String?
    /// Source name (`CoinDesk`).
    public var source: String
    /// Publication time (epoch ms).
    public var publishedAt: EpochMillis
    /// Canonical symbols of assets the story mentions.
    public var assets: [String]
    /// Model sentiment, once scored.
    public var sentiment: SentimentScore?

    /// Creates a news item.
    public init(id: String, guid: String?, url: String, title: String, summary: String?, source: String,
                publishedAt: EpochMillis, assets: [String] = [], sentiment: SentimentScore? = nil) {
        self.id = id
        self.guid = guid
        self.url = url
        self.title = title
        self.summary = summary
        self.source = source
        self.publishedAt = publishedAt
        self.assets = assets
        self.sentiment = sentiment
    }

    enum CodingKeys: String, CodingKey {
        case id, guid, url, title, summary, source, publishedAt = "published_at", assets, sentiment
    }
}

/// One daily Fear & Greed index value.
public struct FearGreedEntry: Sendable, Hashable, Codable {
    /// Index value 0–100.
    public var value: Int
    /// The provider's classification (`Extreme Fear` … `Extreme Greed`).
    public var classification: String
    /// Day the value applies to (epoch ms).
    public var ts: EpochMillis

    /// Creates an entry.
    public init(value: Int, classification: String, ts: EpochMillis) {
        self.value = value
        self.classification = classification
        self.ts = ts
    }
}
