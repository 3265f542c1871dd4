import CryptoModels

/// One entry of CoinGecko's `/coins/list`: the identifiers the asset registry needs.
public struct CoinListing: Sendable, Hashable {
    /// CoinGecko coin id (`bitcoin`).
    public var id: String
    /// Ticker as CoinGecko spells it (lower-case, `btc`).
    public var symbol: String
    /// Display name (arbitrary Unicode).
    public var name: String

    /// Creates a listing.
    public init(id: String, symbol: String, name: String) {
        self.id = id
        self.symbol = symbol
        self.name = name
    }
}

/// CoinGecko `/coins/{id}/market_chart`: three time series, each ascending by time.
public struct MarketChart: Sendable, Hashable {
    /// Prices in the requested currency.
    public var prices: [PricePoint]
    /// Market capitalisations (the `price` of each point is the market cap).
    public var marketCaps: [PricePoint]
    /// 24-hour volumes (the `price` of each point is the volume).
    public var totalVolumes: [PricePoint]

    /// Creates a chart.
    public init(prices: [PricePoint], marketCaps: [PricePoint], totalVolumes: [PricePoint]) {
        self.prices = prices
        self.marketCaps = marketCaps
        self.totalVolumes = totalVolumes
    }
}

/// One market of Binance's `/api/v3/exchangeInfo`.
public struct ExchangeSymbol: Sendable, Hashable {
    /// Market symbol (`BTCUSDT`).
    public var symbol: String
    /// Base asset (`BTC`).
    public var baseAsset: String
    /// Quote asset (`USDT`).
    public var quoteAsset: String
    /// Trading status (`TRADING`, `BREAK`, …).
    public var status: String

    /// Creates a market description.
    public init(symbol: String, baseAsset: String, quoteAsset: String, status: String) {
        self.symbol = symbol
        self.baseAsset = baseAsset
        self.quoteAsset = quoteAsset
        self.status = status
    }

    /// Whether the market is open for trading.
    public var isTrading: Bool { status == "TRADING" }
}

/// A `{symbol, price}` row of Binance's `/api/v3/ticker/price`.
public struct MarketPrice: Sendable, Hashable {
    /// Market symbol (`BTCUSDT`).
    public var symbol: String
    /// Last price.
    public var price: Amount

    /// Creates a row.
    public init(symbol: String, price: Amount) {
        self.symbol = symbol
        self.price = price
    }
}

/// One chain of DefiLlama's `/v2/chains`.
public struct ChainTvl: Sendable, Hashable {
    /// Chain name (`Ethereum`).
    public var name: String
    /// Total value locked in USD.
    public var tvl: Amount
    /// Native token symbol, when it has one.
    public var tokenSymbol: String?
    /// CoinGecko id of the native token, when known.
    public var geckoId: String?
    /// EVM chain id, when it has one.
    public var chainId: Int64?

    /// Creates a chain row.
    public init(name: String, tvl: Amount, tokenSymbol: String?, geckoId: String?, chainId: Int64? = nil) {
        self.name = name
        self.tvl = tvl
        self.tokenSymbol = tokenSymbol
        self.geckoId = geckoId
        self.chainId = chainId
    }
}

/// DefiLlama `/protocol/{slug}`: the protocol now plus its TVL history.
public struct ProtocolHistory: Sendable, Hashable {
    /// Current figures (TVL split from `currentChainTvls`).
    public var current: DefiProtocol
    /// Total TVL history, ascending.
    public var tvl: [TvlPoint]
    /// TVL history per key of `chainTvls` (plain chains and compound keys such as `Ethereum-staking`), ascending.
    public var chainTvl: [String: [TvlPoint]]

    /// Creates a history.
    public init(current: DefiProtocol, tvl: [TvlPoint], chainTvl: [String: [TvlPoint]]) {
        self.current = current
        self.tvl = tvl
        self.chainTvl = chainTvl
    }
}
