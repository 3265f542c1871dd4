import Contracts
import Logging
import ProviderKit
import RPC
import ServiceKit
import ServiceLifecycle

/// The news part of news-sentiment-svc: feed ingestion, model scoring of every item, Fear & Greed, and
/// `news.sentiment.summary`. Configuration: ``NewsSettings`` (docs/news.md).
public enum NewsService {
    /// Registers the news collectors (unless `NEWS_COLLECTOR_ENABLED=false`), their health checks (`feed:<name>`,
    /// `provider:alternative.me`, `news-scorer`) and `news.sentiment.summary`.
    /// - Parameter model: the financial sentiment model that scores the items.
    public static func configure(_ setup: inout ServiceSetup, model: (any SentimentAnalyzing)?) throws {
        let settings = NewsSettings(settings: setup.settings)
        let storeClient = RPCClient(address: try setup.settings.rpcAddress(of: .store))
        let store = RPCNewsStore(client: storeClient)
        let handler = SentimentSummaryHandler(aggregator: SentimentAggregator(store: store))
        // The summary aggregates up to 10,000 stored items per call: CPU work kept off the connection's event loop.
        setup.router.register(News.SentimentSummary.self, placement: .concurrencyPool) { params, _ in try await handler.summary(params) }
        guard settings.collectorEnabled else { return }

        let http = ProviderHTTP(configuration: .init(
            connectTimeout: setup.settings.seconds("provider.connect.timeout", default: 2),
            requestTimeout: settings.feedTimeout, maxBodyBytes: settings.feedMaxBytes))
        let tagger = NewsAssets.tagger(extra: setup.settings.string("news.assets", default: ""))
        let failing: HealthStatus = settings.feedHealthStrict ? .degraded : .healthy
        var sources = settings.feeds.map {
            FeedSource(spec: $0, tagger: tagger, http: http, timeout: settings.feedTimeout, maxBytes: settings.feedMaxBytes,
                       failingStatus: failing)
        }
        if let key = settings.cryptoPanicKey {
            sources.append(FeedSource(spec: CryptoPanic.spec(baseURL: settings.cryptoPanicBaseURL, key: key), kind: .cryptoPanic,
                                      tagger: tagger, http: http, timeout: settings.feedTimeout, maxBytes: settings.feedMaxBytes,
                                      failingStatus: failing))
        } else {
            setup.health.register("feed:\(CryptoPanic.sourceName)") {
                ComponentCheck(name: "feed:\(CryptoPanic.sourceName)", status: .healthy, detail: "skipped: CRYPTOPANIC_API_KEY is not set")
            }
        }
        for source in sources {
            setup.health.register("feed:\(source.spec.name)") { source.healthCheck() }
        }

        var scorer: NewsScorer?
        if let model {
            let made = NewsScorer(model: model, store: store, hub: setup.hub, interval: settings.scoreInterval, logger: setup.logger)
            setup.services.append(made)
            setup.health.register("news-scorer") {
                ComponentCheck(name: "news-scorer", status: .healthy,
                               detail: model.healthCheck().status == .healthy ? nil : "waiting for the financial model",
                               observed: ["scored": .number(Double(made.scoredCount))])
            }
            scorer = made
        }
        setup.services.append(NewsIngestor(sources: sources, store: store, hub: setup.hub, scorer: scorer,
                                           interval: settings.pollInterval, logger: setup.logger))

        let endpoint = ProviderEndpoint(configuration: FearGreedCollector.endpointConfiguration(
            settings, timeout: setup.settings.seconds("provider.timeout", default: 5)), http: http, logger: setup.logger)
        // As in market-svc: an open breaker is reported, but degrades the service only with PROVIDER_HEALTH_STRICT=true.
        let openStatus: HealthStatus = setup.settings.string("provider.health.strict", default: "false") == "true" ? .degraded : .healthy
        setup.health.register("provider:alternative.me") { endpoint.healthCheck(openStatus: openStatus) }
        setup.services.append(FearGreedCollector(endpoint: endpoint, store: store, interval: settings.fearGreedInterval,
                                                 backfillDays: settings.fearGreedBackfillDays, logger: setup.logger))
        setup.services.append(NewsHTTPShutdown(http: http, client: storeClient))
    }
}

/// Closes the feeds' HTTP client and the store client when the process shuts down.
struct NewsHTTPShutdown: Service {
    let http: ProviderHTTP
    let client: RPCClient

    func run() async throws {
        try? await gracefulShutdown()
        await http.shutdown()
        client.close()
    }
}
