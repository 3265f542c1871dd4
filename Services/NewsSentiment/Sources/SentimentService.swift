import Contracts
import Foundation
import Logging
import RPC
import ServiceKit

/// The sentiment part of news-sentiment-svc: `sentiment.analyze` over two natively run models.
///
/// | variable | default | meaning |
/// |---|---|---|
/// | `SENTIMENT_MODEL_DIR` | `$DATA_DIR/models/sentiment` | financial model (positive/negative/neutral) |
/// | `CRYPTO_SENTIMENT_MODEL_DIR` | `$DATA_DIR/models/crypto-sentiment` | crypto model (bullish/bearish/neutral) |
/// | `SENTIMENT_THREADS` | `OPENBLAS_NUM_THREADS`, else 1 | OpenBLAS threads (process-wide) |
/// | `SENTIMENT_BATCH_WINDOW_MS` | 2 | how long concurrent calls are collected into one forward pass |
public enum SentimentService {
    /// Adds the two model runners (background-loaded `Service`s), their health checks and `sentiment.analyze`;
    /// returns the runners (the news scorer uses the financial one).
    @discardableResult
    public static func configure(_ setup: inout ServiceSetup) -> [Sentiment.Model: SentimentModelRunner] {
        MallocTuning.limitArenas(1)
        let runners = makeRunners(settings: setup.settings, logger: setup.logger)
        for runner in runners.values.sorted(by: { $0.kind.rawValue > $1.kind.rawValue }) {
            setup.services.append(runner)
            setup.health.register("model:\(runner.kind.rawValue)") { runner.healthCheck() }
        }
        let handler = SentimentHandler(models: runners.mapValues { $0 as any SentimentAnalyzing })
        setup.router.register(Sentiment.Analyze.self) { params, _ in try await handler.analyze(params) }
        return runners
    }

    /// The runners for the configured model directories.
    public static func makeRunners(settings: Settings, logger: Logger) -> [Sentiment.Model: SentimentModelRunner] {
        let models = (settings.dataDir as NSString).appendingPathComponent("models")
        let threads = threadCount(settings: settings)
        let window = Duration.milliseconds(max(0, settings.int("sentiment.batch.window.ms", default: 2)))
        return [
            .financial: SentimentModelRunner(
                kind: .financial,
                directory: settings.string("sentiment.model.dir", default: (models as NSString).appendingPathComponent("sentiment")),
                threads: threads, window: window, logger: logger),
            .crypto: SentimentModelRunner(
                kind: .crypto,
                directory: settings.string("crypto.sentiment.model.dir",
                                           default: (models as NSString).appendingPathComponent("crypto-sentiment")),
                threads: threads, window: window, logger: logger),
        ]
    }

    /// `SENTIMENT_THREADS` when set; else `nil` when `OPENBLAS_NUM_THREADS` is set (OpenBLAS reads it); else 1.
    static func threadCount(settings: Settings) -> Int? {
        let configured = settings.int("sentiment.threads", default: 0)
        if configured > 0 { return configured }
        if settings.string("openblas.num.threads") != nil { return nil }
        return 1
    }
}

/// `sentiment.analyze`: validates the limits, then hands the texts to the selected model.
public struct SentimentHandler: Sendable {
    /// The models by selector.
    public let models: [Sentiment.Model: any SentimentAnalyzing]

    /// Creates the handler.
    public init(models: [Sentiment.Model: any SentimentAnalyzing]) {
        self.models = models
    }

    /// Answers one call.
    public func analyze(_ params: Sentiment.Analyze.Params) async throws -> Sentiment.Analyze.Result {
        if let violation = Sentiment.Limits.violation(in: params.texts) { throw violation }
        let kind = params.model ?? .financial
        guard let model = models[kind] else {
            throw RPCError.problem(Sentiment.ProblemType.modelUnavailable, status: 503, title: "Model unavailable",
                                   detail: "no \(kind.rawValue) sentiment model is configured",
                                   extensions: ["model": .string(kind.rawValue)])
        }
        return try await model.analyze(params.texts)
    }
}
