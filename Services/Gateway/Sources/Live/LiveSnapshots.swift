import Contracts
import CryptoModels
import RPC

/// Where subscription snapshots of the market channels come from; a protocol so tests can answer in-process.
protocol LiveSnapshots: Sendable {
    /// Latest quotes (`market.prices`).
    func prices(_ symbols: [String], vs: String) async throws -> Market.Prices.Result
    /// Recent candles (`market.ohlcv`).
    func candles(_ market: String, interval: Interval, limit: Int) async throws -> Market.OHLCV.Result
}

/// Snapshots over RPC to market-svc, with a short deadline so a hung service cannot stall a subscription.
struct RPCLiveSnapshots: LiveSnapshots {
    let backends: Backends
    let timeout: Duration

    func prices(_ symbols: [String], vs: String) async throws -> Market.Prices.Result {
        try await backends.client(.market).call(Market.Prices.self, .init(symbols: symbols, vs: vs), timeout: timeout)
    }

    func candles(_ market: String, interval: Interval, limit: Int) async throws -> Market.OHLCV.Result {
        try await backends.client(.market).call(Market.OHLCV.self, .init(symbol: market, interval: interval.rawValue, limit: limit),
                                                timeout: timeout)
    }
}

/// `data` of a `prices:*` snapshot: every watched quote and their provenance.
struct PricesSnapshot: Codable, Sendable {
    var quotes: [Quote]
    var meta: DataMeta
}

/// `data` of an `ohlcv:…` snapshot: the last hour of candles.
struct CandlesSnapshot: Codable, Sendable {
    var symbol: String
    var interval: Interval
    var quote: String
    var candles: [Candle]
    var meta: DataMeta
}

/// The outcome of fetching a snapshot.
enum SnapshotOutcome: Sendable {
    /// Data (nil: nothing yet), plus a reason when the service could not answer.
    case data(AnyPayload?, unavailable: String?)
    /// The channel names something that does not exist (e.g. an unknown asset): the subscription is refused.
    case refused(LiveProblem)
}

extension LiveSnapshots {
    /// Fetches the snapshot of a market channel; other channels snapshot their last notification (not called).
    func snapshot(_ channel: LiveChannel, watchlist: [String], vs: String) async -> SnapshotOutcome {
        do {
            switch channel {
            case .prices(let symbol):
                let result = try await prices([symbol], vs: vs)
                return .data(result.quotes.first.map { AnyPayload(value: PriceUpdate(quote: $0, meta: result.meta)) }, unavailable: nil)
            case .allPrices:
                let result = try await prices(Array(watchlist.prefix(Market.Limits.maxSymbols)), vs: vs)
                return .data(AnyPayload(value: PricesSnapshot(quotes: result.quotes, meta: result.meta)), unavailable: nil)
            case .ohlcv(let market, let interval):
                let result = try await candles(market, interval: interval, limit: 60)
                return .data(AnyPayload(value: CandlesSnapshot(symbol: result.series.symbol, interval: result.series.interval,
                                                                quote: result.quote, candles: result.series.candles,
                                                                meta: result.meta)), unavailable: nil)
            default:
                return .data(nil, unavailable: nil)
            }
        } catch let error as RPCError {
            if let problem = error.data, (400..<500).contains(problem.status), problem.status != 429 {
                return .refused(LiveProblem(type: problem.type, title: problem.title, status: problem.status,
                                            detail: problem.detail, channel: channel.description))
            }
            return .data(nil, unavailable: "market-svc could not answer the snapshot: \(error.data?.detail ?? error.message)")
        } catch {
            return .data(nil, unavailable: "market-svc could not answer the snapshot: \(error)")
        }
    }
}
