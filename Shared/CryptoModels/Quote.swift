/// The latest price of one asset in one quote currency.
public struct Quote: Sendable, Hashable, Codable {
    /// Canonical asset symbol (`BTC`).
    public var symbol: String
    /// Quote currency, lower-case (`usd`).
    public var vs: String
    /// Last price.
    public var price: Amount
    /// Market capitalisation in `vs`, when the provider reports it.
    public var marketCap: Amount?
    /// 24-hour traded volume in `vs`, when reported.
    public var volume24h: Amount?
    /// 24-hour change in percent, when reported.
    public var change24hPct: Double?
    /// When the provider last updated this price (epoch ms).
    public var ts: EpochMillis

    /// Creates a quote.
    public init(symbol: String, vs: String, price: Amount, marketCap: Amount? = nil, volume24h: Amount? = nil,
                change24hPct: Double? = nil, ts: EpochMillis) {
        self.symbol = symbol
        self.vs = vs
        self.price = price
        self.marketCap = marketCap
        self.volume24h = volume24h
        self.change24hPct = change24hPct
        self.ts = ts
    }

    enum CodingKeys: String, CodingKey {
        case symbol, vs, price, marketCap = "market_cap", volume24h = "volume_24h", change24hPct = "change_24h_pct", ts
    }
}

/// One row of a market listing (`/api/market`), ranked by market capitalisation.
public struct MarketEntry: Sendable, Hashable, Codable {
    /// Provider's coin id (`bitcoin`).
    public var id: String
    /// Upper-case ticker.
    public var symbol: String
    /// Display name.
    public var name: String
    /// Market-cap rank, when known.
    public var rank: Int?
    /// Last price in `vs`.
    public var price: Amount
    /// Market capitalisation, when known.
    public var marketCap: Amount?
    /// 24-hour volume, when known.
    public var volume24h: Amount?
    /// 24-hour change in percent, when known.
    public var change24hPct: Double?
    /// Circulating supply, when known.
    public var circulatingSupply: Amount?
    /// Maximum supply, when the asset has one.
    public var maxSupply: Amount?
    /// When the provider last updated the row (epoch ms).
    public var ts: EpochMillis?

    /// Creates a market row.
    public init(id: String, symbol: String, name: String, rank: Int?, price: Amount, marketCap: Amount? = nil,
                volume24h: Amount? = nil, change24hPct: Double? = nil, circulatingSupply: Amount? = nil,
                maxSupply: Amount? = nil, ts: EpochMillis? = nil) {
        self.id = id
        self.symbol = symbol
        self.name = name
        self.rank = rank
        self.price = price
        self.marketCap = marketCap
        self.volume24h = volume24h
        self.change24hPct = change24hPct
        self.circulatingSupply = circulatingSupply
        self.maxSupply = maxSupply
        self.ts = ts
    }

    enum CodingKeys: String, CodingKey {
        case id, symbol, name, rank, price, marketCap = "market_cap", volume24h = "volume_24h",
             change24hPct = "change_24h_pct", circulatingSupply = "circulating_supply", maxSupply = "max_supply", ts
    }
}

/// Whole-market figures (`/api/market/global`).
public struct GlobalMarket: Sendable, Hashable, Codable {
    /// Total market capitalisation per quote currency (`usd` → amount).
    public var totalMarketCap: [String: Amount]
    /// Total 24-hour volume per quote currency.
    public var totalVolume: [String: Amount]
    /// Market-cap dominance in percent per symbol (`btc` → 52.1).
    public var marketCapPercentage: [String: Double]
    /// Number of active cryptocurrencies, when known.
    public var activeCryptocurrencies: Int?
    /// 24-hour change of the total market cap in percent (usd), when known.
    public var marketCapChange24hPct: Double?
    /// When the provider computed these figures (epoch ms).
    public var ts: EpochMillis

    /// Creates the global figures.
    public init(totalMarketCap: [String: Amount], totalVolume: [String: Amount], marketCapPercentage: [String: Double],
                activeCryptocurrencies: Int?, marketCapChange24hPct: Double?, ts: EpochMillis) {
        self.totalMarketCap = totalMarketCap
        self.totalVolume = totalVolume
        self.marketCapPercentage = marketCapPercentage
        self.activeCryptocurrencies = activeCryptocurrencies
        self.marketCapChange24hPct = marketCapChange24hPct
        self.ts = ts
    }

    enum CodingKeys: String, CodingKey {
        case totalMarketCap = "total_market_cap", totalVolume = "total_volume",
             marketCapPercentage = "market_cap_percentage", activeCryptocurrencies = "active_cryptocurrencies",
             marketCapChange24hPct = "market_cap_change_24h_pct", ts
    }
}

/// A trending coin (`/api/trending`).
public struct TrendingCoin: Sendable, Hashable, Codable {
    /// Provider coin id.
    public var id: String
    /// Upper-case ticker.
    public var symbol: String
    /// Display name.
    public var name: String
    /// Market-cap rank, when known.
    public var marketCapRank: Int?
    /// Position in the provider's trending list (0 = first).
    public var score: Int
    /// Price in BTC, when reported.
    public var priceBTC: Amount?
    /// Thumbnail URL, when reported.
    public var thumb: String?

    /// Creates a trending entry.
    public init(id: String, symbol: String, name: String, marketCapRank: Int?, score: Int, priceBTC: Amount?, thumb: String?) {
        self.id = id
        self.symbol = symbol
        self.name = name
        self.marketCapRank = marketCapRank
        self.score = score
        self.priceBTC = priceBTC
        self.thumb = thumb
    }

    enum CodingKeys: String, CodingKey {
        case id, symbol, name, marketCapRank = "market_cap_rank", score, priceBTC = "price_btc", thumb
    }
}
