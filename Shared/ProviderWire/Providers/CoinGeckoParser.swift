import CryptoModels

/// Parsers for CoinGecko API v3 responses (`/simple/price`, `/coins/markets`, `/global`, `/search/trending`,
/// `/coins/list`, `/coins/{id}/ohlc`, `/coins/{id}/market_chart`).
///
/// Every parser first recognises CoinGecko's error envelopes: `{"error": "..."}`,
/// `{"status": 500, "error": "..."}` and `{"status": {"error_code": 429, "error_message": "..."}}`.
public enum CoinGeckoParser {
    /// Error plumbing naming this provider.
    static let wire = WireContext(.coingecko)

    /// Parses the body and throws CoinGecko's own error when it is an error envelope.
    static func root(_ body: some Collection<UInt8>) throws(ProviderWireError) -> JSONValue {
        let root = try wire.json(body)
        if let error = providerError(in: root) { throw error }
        return root
    }

    /// The provider error carried by `root`, if it is one of CoinGecko's error envelopes.
    static func providerError(in root: JSONValue) -> ProviderWireError? {
        guard case .object(let object) = root else { return nil }
        if case .object(let status)? = object["status"], let code = status["error_code"] {
            let message = status["error_message"]?.string ?? "error \(code.numericText ?? "?")"
            return .providerError(provider: .coingecko, code: code.numericText ?? code.string, message: message)
        }
        if let error = object["error"] {
            let message: String
            switch error {
            case .string(let text): message = text
            case .object(let nested):
                message = nested["status"]?["error_message"]?.string ?? nested["message"]?.string ?? "unspecified error"
            default: return nil
            }
            let code = object["status"]?.numericText ?? object["error_code"]?.numericText
                ?? error["status"]?["error_code"]?.numericText
            return .providerError(provider: .coingecko, code: code, message: message)
        }
        return nil
    }

    /// `/simple/price?ids=…&vs_currencies=…&include_market_cap=true&include_24hr_vol=true&include_24hr_change=true&include_last_updated_at=true`.
    ///
    /// - Parameters:
    ///   - coins: the requested CoinGecko ids with the canonical symbol each quote should carry, in output order.
    ///   - vs: the requested quote currencies (matched case-insensitively; quotes carry them lower-cased).
    ///   - fetchedAt: stamped on quotes when the response has no `last_updated_at`.
    /// - Returns: one quote per requested id and currency that came back with a price; ids and currencies the
    ///   provider left out are skipped.
    /// - Throws: ``ProviderWireError/emptyResult(provider:detail:)`` when nothing requested came back
    ///   (e.g. `{"bitcoin":{}}` for an unknown currency).
    public static func parseSimplePrice(_ body: some Collection<UInt8>, coins: [(id: String, symbol: String)],
                                        vs: [String], fetchedAt: EpochMillis) throws(ProviderWireError) -> [Quote] {
        let root = try wire.object(try Self.root(body), "the /simple/price body")
        var quotes: [Quote] = []
        for coin in coins {
            guard let value = root[coin.id] else { continue }
            let fields = try wire.object(value, "the entry for \(coin.id)")
            let ts = fields["last_updated_at"]?.int64.map { $0 * 1_000 } ?? fetchedAt
            for currency in vs.map({ $0.lowercased() }) {
                guard let price = fields[currency]?.amount else { continue }
                quotes.append(Quote(symbol: coin.symbol, vs: currency, price: price,
                                    marketCap: fields["\(currency)_market_cap"]?.amount,
                                    volume24h: fields["\(currency)_24h_vol"]?.amount,
                                    change24hPct: fields["\(currency)_24h_change"]?.double, ts: ts))
            }
        }
        guard !quotes.isEmpty else {
            throw .emptyResult(provider: .coingecko, detail: "no price for ids \(coins.map(\.id)) in \(vs)")
        }
        return quotes
    }

    /// `/coins/markets?vs_currency=…`: rows in the provider's order; rows without a current price are skipped.
    public static func parseMarkets(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [MarketEntry] {
        let rows = try wire.array(try root(body), "the /coins/markets body")
        var entries: [MarketEntry] = []
        entries.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let fields = try wire.object(row, "market row \(index)")
            let id = try wire.string(fields["id"], "market row \(index) id")
            guard let price = fields["current_price"]?.amount else { continue }
            entries.append(MarketEntry(
                id: id,
                symbol: try wire.string(fields["symbol"], "market row \(index) symbol").uppercased(),
                name: try wire.string(fields["name"], "market row \(index) name"),
                rank: fields["market_cap_rank"]?.int,
                price: price,
                marketCap: fields["market_cap"]?.amount,
                volume24h: fields["total_volume"]?.amount,
                change24hPct: fields["price_change_percentage_24h"]?.double,
                circulatingSupply: fields["circulating_supply"]?.amount,
                maxSupply: fields["max_supply"]?.amount,
                ts: fields["last_updated"]?.string.flatMap(Timestamps.parseISO8601)))
        }
        return entries
    }

    /// `/global`: whole-market figures from the `data` object.
    public static func parseGlobal(_ body: some Collection<UInt8>) throws(ProviderWireError) -> GlobalMarket {
        let data = try wire.object(try root(body)["data"], "`data` of /global")
        func amounts(_ key: String) throws(ProviderWireError) -> [String: Amount] {
            var result: [String: Amount] = [:]
            for (currency, value) in try wire.object(data[key], "`data.\(key)`") {
                if let amount = value.amount { result[currency] = amount }
            }
            return result
        }
        var percentages: [String: Double] = [:]
        for (symbol, value) in data["market_cap_percentage"]?.object ?? JSONObject(keys: [], values: []) {
            if let percent = value.double { percentages[symbol] = percent }
        }
        return GlobalMarket(totalMarketCap: try amounts("total_market_cap"), totalVolume: try amounts("total_volume"),
                            marketCapPercentage: percentages,
                            activeCryptocurrencies: data["active_cryptocurrencies"]?.int,
                            marketCapChange24hPct: data["market_cap_change_percentage_24h_usd"]?.double,
                            ts: try wire.int64(data["updated_at"], "`data.updated_at`") * 1_000)
    }

    /// `/search/trending`, in both the 2021 shape (`coins[].item` only) and the 2025 shape (`item.data` with a
    /// precise `price_btc` string, plus `nfts` and `categories`, which are ignored).
    public static func parseTrending(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [TrendingCoin] {
        let coins = try wire.array(try root(body)["coins"], "`coins` of /search/trending")
        var result: [TrendingCoin] = []
        result.reserveCapacity(coins.count)
        for (index, entry) in coins.enumerated() {
            let item = try wire.object(entry["item"], "`coins[\(index)].item`")
            result.append(TrendingCoin(
                id: try wire.string(item["id"], "`coins[\(index)].item.id`"),
                symbol: try wire.string(item["symbol"], "`coins[\(index)].item.symbol`").uppercased(),
                name: try wire.string(item["name"], "`coins[\(index)].item.name`"),
                marketCapRank: item["market_cap_rank"]?.int,
                score: item["score"]?.int ?? index,
                priceBTC: item["data"]?["price_btc"]?.amount ?? item["price_btc"]?.amount,
                thumb: item["thumb"]?.string))
        }
        return result
    }

    /// `/coins/list`: every coin's id, symbol and name, for the asset registry.
    public static func parseCoinsList(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [CoinListing] {
        let rows = try wire.array(try root(body), "the /coins/list body")
        var result: [CoinListing] = []
        result.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            result.append(CoinListing(id: try wire.string(row["id"], "coins/list row \(index) id"),
                                      symbol: try wire.string(row["symbol"], "coins/list row \(index) symbol"),
                                      name: try wire.string(row["name"], "coins/list row \(index) name")))
        }
        return result
    }
}
