import Contracts
import ServiceKit

/// news-sentiment-svc: news feeds, Fear & Greed, transformer sentiment.
public enum NewsSentimentService {
    /// Registers news-sentiment-svc's RPC methods, services and health checks.
    public static func configure(_ setup: inout ServiceSetup) async throws {
        let runners = SentimentService.configure(&setup)
        try NewsService.configure(&setup, model: runners[.financial])
    }
}
