import ProviderKit
import ServiceKit

/// market-svc's configuration (environment variables in brackets).
struct MarketSettings: Sendable {
    /// Freshness of prices [`MARKET_TTL_PRICES`, 60 s].
    var pricesTTL: Duration
    /// Freshness of market listings [`MARKET_TTL_MARKETS`, 300 s].
    var marketsTTL: Duration
    /// Freshness of trending coins [`MARKET_TTL_TRENDING`, 3600 s].
    var trendingTTL: Duration
    /// Freshness of global figures [`MARKET_TTL_GLOBAL`, 300 s].
    var globalTTL: Duration
    /// Freshness of candles [`MARKET_TTL_OHLCV`, 900 s], or the candle interval when shorter.
    var ohlcvTTL: Duration
    /// Oldest last-known data served flagged `stale` when every provider fails [`MARKET_MAX_STALE`, 86400 s].
    var maxStale: Duration
    /// Provider order per capability [`MARKET_PRICES_PROVIDERS`, `MARKET_MARKETS_PROVIDERS`, `MARKET_OHLCV_PROVIDERS`].
    var pricesChain: [String]
    var marketsChain: [String]
    var ohlcvChain: [String]

    /// Reads the settings.
    init(settings: Settings) {
        pricesTTL = settings.seconds("market.ttl.prices", default: 60)
        marketsTTL = settings.seconds("market.ttl.markets", default: 300)
        trendingTTL = settings.seconds("market.ttl.trending", default: 3_600)
        globalTTL = settings.seconds("market.ttl.global", default: 300)
        ohlcvTTL = settings.seconds("market.ttl.ohlcv", default: 900)
        maxStale = settings.seconds("market.max.stale", default: 86_400)
        func list(_ key: String, _ fallback: String) -> [String] {
            settings.string(key, default: fallback).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        }
        pricesChain = list("market.prices.providers", "coingecko,binance,cryptocompare,kraken,coincap")
        marketsChain = list("market.markets.providers", "coingecko,coincap")
        ohlcvChain = list("market.ohlcv.providers", "binance,kraken,cryptocompare,coingecko")
    }
}

/// Per-provider endpoint configuration from the environment: `<P>_BASE_URL`, `<P>_API_KEY`, and the shared
/// `PROVIDER_TIMEOUT` (1.5 s), `PROVIDER_BREAKER_THRESHOLD` (5), `PROVIDER_BREAKER_COOLDOWN` (30 s),
/// `PROVIDER_RETRY_ATTEMPTS` (2), plus `<P>_BUDGET_PER_MINUTE` overriding each free-tier budget.
enum ProviderSettings {
    /// (name, default base URL, budget per minute, key placement)
    static let defaults: [(String, String, Int, APIKeyPlacement)] = [
        ("coingecko", "https://api.coingecko.com/api/v3", 30, .header(name: "x-cg-demo-api-key")),
        ("binance", "https://api.binance.com", 1_200, .header(name: "X-MBX-APIKEY")),
        ("kraken", "https://api.kraken.com", 60, .header(name: "API-Key")),
        ("coincap", "https://rest.coincap.io/v3", 120, .header(name: "Authorization", format: "Bearer %@")),
        ("cryptocompare", "https://min-api.cryptocompare.com", 100, .header(name: "authorization", format: "Apikey %@")),
    ]

    /// The endpoint configurations of every market provider.
    static func endpoints(_ settings: Settings) -> [ProviderEndpoint.Configuration] {
        let timeout = settings.seconds("provider.timeout", default: 1.5)
        let threshold = settings.int("provider.breaker.threshold", default: 5)
        let coolDown = settings.seconds("provider.breaker.cooldown", default: 30)
        let attempts = settings.int("provider.retry.attempts", default: 2)
        return defaults.map { name, base, perMinute, placement in
            ProviderEndpoint.Configuration(
                name: name, baseURL: settings.string("\(name).base.url", default: base), apiKey: settings.secret("\(name).api.key"),
                keyPlacement: placement, timeout: timeout, breakerThreshold: threshold, breakerCoolDown: coolDown,
                budgetRequests: settings.int("\(name).budget.per.minute", default: perMinute), budgetPeriod: .seconds(60),
                retry: RetryPolicy(maxAttempts: attempts))
        }
    }
}
