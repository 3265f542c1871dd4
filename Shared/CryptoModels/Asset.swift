/// A canonical asset and its identifiers at each provider (BTC ↔ bitcoin ↔ XBT ↔ BTCUSDT).
public struct Asset: Sendable, Hashable, Codable {
    /// Canonical ticker, upper-case (`BTC`).
    public var symbol: String
    /// Display name (`Bitcoin`).
    public var name: String
    /// CoinGecko coin id (`bitcoin`).
    public var coingeckoId: String?
    /// Binance base asset (`BTC`); markets are `base + quote`, e.g. `BTCUSDT`.
    public var binanceBase: String?
    /// Kraken asset code (`XBT`).
    public var krakenBase: String?
    /// CoinCap asset id (`bitcoin`).
    public var coincapId: String?
    /// CryptoCompare symbol (`BTC`).
    public var cryptocompareSymbol: String?

    /// Creates an asset record.
    public init(symbol: String, name: String, coingeckoId: String? = nil, binanceBase: String? = nil,
                krakenBase: String? = nil, coincapId: String? = nil, cryptocompareSymbol: String? = nil) {
        self.symbol = symbol
        self.name = name
        self.coingeckoId = coingeckoId
        self.binanceBase = binanceBase
        self.krakenBase = krakenBase
        self.coincapId = coincapId
        self.cryptocompareSymbol = cryptocompareSymbol
    }

    enum CodingKeys: String, CodingKey {
        case symbol, name, coingeckoId = "coingecko_id", binanceBase = "binance_base", krakenBase = "kraken_base",
             coincapId = "coincap_id", cryptocompareSymbol = "cryptocompare_symbol"
    }
}
