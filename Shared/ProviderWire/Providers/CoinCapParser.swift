import CryptoModels

/// Parsers for CoinCap responses (`/assets`, `/assets/{id}/history`), shaped `{"data": ..., "timestamp": <ms>}`
/// with every number as a string. Errors arrive as `{"error": "..."}`.
public enum CoinCapParser {
    /// Error plumbing naming this provider.
    static let wire = WireContext(.coincap)

    /// The `data` member and the response `timestamp`, after checking for an error envelope.
    static func envelope(_ body: some Collection<UInt8>) throws(ProviderWireError) -> (data: JSONValue, timestamp: EpochMillis?) {
        let root = try wire.object(try wire.json(body), "the CoinCap envelope")
        if let error = root["error"], !error.isNull {
            throw .providerError(provider: .coincap, code: nil, message: error.string ?? error["message"]?.string ?? "unspecified error")
        }
        return (try wire.require(root["data"], "`data` in the CoinCap envelope"), root["timestamp"]?.int64)
    }

    /// `/assets`: market rows in USD, ranked. Any field but `priceUsd` may be `null`; a row whose `priceUsd` is
    /// `null` is skipped. Rows are stamped with the response `timestamp`.
    public static func parseAssets(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [MarketEntry] {
        let (data, timestamp) = try envelope(body)
        let rows = try wire.array(data, "`data` of /assets")
        var entries: [MarketEntry] = []
        entries.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let fields = try wire.object(row, "asset \(index)")
            guard let price = fields["priceUsd"]?.amount else {
                if let value = fields["priceUsd"], !value.isNull {
                    throw wire.malformed("expected `priceUsd` of asset \(index) to be a decimal, got \(WireContext.kind(value))")
                }
                continue
            }
            entries.append(MarketEntry(
                id: try wire.string(fields["id"], "`id` of asset \(index)"),
                symbol: try wire.string(fields["symbol"], "`symbol` of asset \(index)").uppercased(),
                name: try wire.string(fields["name"], "`name` of asset \(index)"),
                rank: fields["rank"]?.int,
                price: price,
                marketCap: fields["marketCapUsd"]?.amount,
                volume24h: fields["volumeUsd24Hr"]?.amount,
                change24hPct: fields["changePercent24Hr"]?.double,
                circulatingSupply: fields["supply"]?.amount,
                maxSupply: fields["maxSupply"]?.amount,
                ts: timestamp))
        }
        return entries
    }

    /// `/assets/{id}/history?interval=…`: `{priceUsd, time (ms), …}` points, ascending, one per time.
    public static func parseHistory(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [PricePoint] {
        let rows = try wire.array(try envelope(body).data, "`data` of /history")
        var points: [PricePoint] = []
        points.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            points.append(PricePoint(ts: try wire.int64(row["time"], "`time` of point \(index)"),
                                     price: try wire.amount(row["priceUsd"], "`priceUsd` of point \(index)")))
        }
        return CandleNormalizer.normalize(points)
    }
}
