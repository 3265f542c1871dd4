import Contracts
import CryptoModels
import Logging
import ProviderKit
import RPC
import ServiceLifecycle
import ServiceKit

/// The polling collector: keeps the watchlist's prices and candles warm in the caches, refreshes the asset
/// registry, sends what it fetched to the history sink and publishes `market.prices` / `market.candle`.
struct MarketCollector: Service {
    /// Collector settings.
    struct Configuration: Sendable {
        /// Symbols whose prices are kept warm [`MARKET_WATCHLIST`].
        var watchlist: [String]
        /// Quote currency of the watched prices.
        var vs: String
        /// Seconds between price polls [`MARKET_COLLECT_INTERVAL`, 30].
        var pricesEvery: Duration
        /// Markets whose 1m candles are polled [`MARKET_CANDLE_MARKETS`].
        var candleMarkets: [String]
        /// Seconds between candle polls [`MARKET_CANDLE_POLL_INTERVAL`, 60].
        var candlesEvery: Duration
        /// Seconds between registry refreshes [`MARKET_REGISTRY_REFRESH`, 86400].
        var registryEvery: Duration
        /// Seconds between market-listing snapshots [`MARKET_SNAPSHOT_INTERVAL`, 300; 0 = off].
        var marketsEvery: Duration

        init(settings: Settings) {
            func list(_ key: String, _ fallback: String) -> [String] {
                settings.string(key, default: fallback).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
            }
            watchlist = list("market.watchlist", "BTC,ETH,SOL,BNB,XRP,ADA,DOGE,AVAX,DOT,LINK")
            vs = settings.string("market.watch.vs", default: "usd")
            pricesEvery = settings.seconds("market.collect.interval", default: 30)
            candleMarkets = list("market.candle.markets", "BTCUSDT,ETHUSDT")
            candlesEvery = settings.seconds("market.candle.poll.interval", default: 60)
            registryEvery = settings.seconds("market.registry.refresh", default: 86_400)
            marketsEvery = settings.seconds("market.snapshot.interval", default: 300)
        }
    }

    let configuration: Configuration
    let engine: MarketEngine
    let hub: NotificationHub
    let sink: any MarketHistorySink
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await every(configuration.registryEvery) { await refreshRegistry() } }
                group.addTask { await every(configuration.pricesEvery) { await pollPrices() } }
                group.addTask { await every(configuration.candlesEvery) { await pollCandles() } }
                if configuration.marketsEvery > .zero {
                    group.addTask { await every(configuration.marketsEvery) { await pollMarkets() } }
                }
                await group.waitForAll()
            }
        }
    }

    /// Runs `work` now and then every `period` until cancelled.
    private func every(_ period: Duration, _ work: () async -> Void) async {
        while !Task.isCancelled {
            await work()
            do { try await Task.sleep(for: period) } catch { return }
        }
    }

    /// Refreshes the registry from `/coins/list` and `exchangeInfo`.
    func refreshRegistry() async {
        do throws(ProviderFailure) {
            engine.registry.refresh(coinList: try await engine.coingecko.coinList())
        } catch {
            logger.notice("coin list refresh failed", metadata: ["provider": "coingecko", "error": "\(error)"])
        }
        do throws(ProviderFailure) {
            engine.registry.refresh(exchangeInfo: try await engine.binance.exchangeInfo())
        } catch {
            logger.notice("exchangeInfo refresh failed", metadata: ["provider": "binance", "error": "\(error)"])
        }
        let counts = engine.registry.counts
        logger.info("asset registry refreshed", metadata: ["seeded": "\(counts.seeded)", "listed": "\(counts.listed)",
                                                           "binance_markets": "\(counts.binanceMarkets)"])
    }

    /// Fetches the watchlist's prices (bypassing the cache so it never goes cold), records and publishes them.
    func pollPrices() async {
        let assets = configuration.watchlist.compactMap { try? engine.registry.resolve($0).asset }
        guard !assets.isEmpty else { return }
        let failures = await engine.fetchQuotes(assets, vs: configuration.vs)
        let entries = assets.compactMap { engine.quoteCache.fresh(.init(symbol: $0.symbol, vs: configuration.vs)) }
        guard !entries.isEmpty else {
            logger.notice("price poll got nothing", metadata: ["failures": "\(failures.map(\.description))"])
            return
        }
        let result = engine.assemble(entries, stale: false, cached: false)
        hub.publish(Market.PricesTopic.self, .init(quotes: result.quotes, meta: result.meta))
        var bySource: [String: [Quote]] = [:]
        for entry in entries { bySource[entry.source, default: []].append(entry.value) }
        for (source, quotes) in bySource { await sink.record(quotes: quotes, source: source) }
    }

    /// Takes a market-listing snapshot (top 100 in the watch currency) and records it when freshly fetched.
    func pollMarkets() async {
        do throws(RPCError) {
            let result = try await engine.markets(.init(limit: 100, vs: configuration.vs))
            guard !result.meta.cached, !result.meta.stale else { return }
            await sink.record(snapshot: result.entries, vs: configuration.vs, source: result.meta.source, ts: result.meta.fetchedAt)
        } catch {
            logger.notice("market snapshot failed", metadata: ["error": "\(error.message)"])
        }
    }

    /// Fetches the latest 1m candles of the candle markets; records and publishes the newest one.
    func pollCandles() async {
        for market in configuration.candleMarkets {
            do throws(RPCError) {
                let result = try await engine.ohlcv(.init(symbol: market, interval: Interval.m1.rawValue, limit: 2))
                guard !result.meta.stale, let last = result.series.candles.last else { continue }
                hub.publish(Market.CandleTopic.self, .init(symbol: result.series.symbol, interval: .m1, candle: last,
                                                           source: result.meta.source))
                if !result.meta.cached {
                    await sink.record(candles: result.series.candles, symbol: result.series.symbol, interval: .m1,
                                      source: result.meta.source)
                }
            } catch {
                logger.notice("candle poll failed", metadata: ["market": "\(market)", "error": "\(error.message)"])
            }
        }
    }
}
