import CryptoModels

/// Parsers for DefiLlama TVL responses (`/protocols`, `/protocol/{slug}`, `/v2/chains`,
/// `/v2/historicalChainTvl[/{chain}]`, `/tvl/{slug}`).
///
/// DefiLlama mixes chain names with extra TVL kinds in its `chainTvls` maps: compound keys such as
/// `Ethereum-staking` or `Avalanche-borrowed`, and bare totals such as `staking`, `pool2`, `borrowed`.
/// ``splitChainTvls(_:)`` keeps these apart so extra kinds are never added into `tvl` or the per-chain figures.
public enum DefiLlamaParser {
    /// Error plumbing naming this provider.
    static let wire = WireContext(.defillama)

    /// TVL kinds DefiLlama reports besides plain TVL, by lower-cased key, with their canonical spelling.
    static let extraKinds: [String: String] = [
        "staking": "staking", "pool2": "pool2", "borrowed": "borrowed", "doublecounted": "doublecounted",
        "liquidstaking": "liquidstaking", "dcandlsoverlap": "dcAndLsOverlap", "vesting": "vesting",
        "treasury": "treasury", "offers": "offers", "govtokens": "govtokens",
    ]

    /// Parses the body, recognising an error object (`{"message": ...}` or `{"error": ...}`) where data was expected.
    static func root(_ body: some Collection<UInt8>) throws(ProviderWireError) -> JSONValue {
        let root = try wire.json(body)
        if case .object(let object) = root, object["name"] == nil,
           let message = object["message"]?.string ?? object["error"]?.string {
            throw .providerError(provider: .defillama, code: object["statusCode"]?.numericText, message: message)
        }
        return root
    }

    /// Splits a `chainTvls`/`currentChainTvls` map into plain chains and extra kinds.
    ///
    /// A key is an extra kind when it is one (`staking`) or ends in `-<kind>` (`Ethereum-staking`). Each kind's
    /// figure is the sum of its per-chain compound keys, or the bare total when no compound key exists.
    /// Non-numeric values are ignored.
    public static func splitChainTvls(_ map: JSONObject) -> (chains: [String: Amount], extras: [String: Amount]) {
        var chains: [String: Amount] = [:]
        var compound: [String: Amount] = [:]
        var bare: [String: Amount] = [:]
        for (key, value) in map {
            guard let amount = value.amount else { continue }
            if let kind = extraKinds[key.lowercased()] {
                bare[kind] = amount
            } else if let dash = key.lastIndex(of: "-"),
                      let kind = extraKinds[key[key.index(after: dash)...].lowercased()] {
                compound[kind] = Amount((compound[kind]?.value ?? 0) + amount.value)
            } else {
                chains[key] = amount
            }
        }
        return (chains, bare.merging(compound) { _, summed in summed })
    }

    /// The compound keys of a `chainTvls`/`currentChainTvls` map per chain: `Ethereum-staking: 5` becomes
    /// `["Ethereum": ["staking": 5]]`. Bare kinds (`staking`) belong to no chain and are left out; so are
    /// non-numeric values and plain chains.
    public static func splitChainExtras(_ map: JSONObject) -> [String: [String: Amount]] {
        var result: [String: [String: Amount]] = [:]
        for (key, value) in map {
            guard let amount = value.amount, extraKinds[key.lowercased()] == nil, let dash = key.lastIndex(of: "-"),
                  let kind = extraKinds[key[key.index(after: dash)...].lowercased()] else { continue }
            let chain = String(key[..<dash])
            guard !chain.isEmpty else { continue }
            result[chain, default: [:]][kind] = Amount((result[chain]?[kind]?.value ?? 0) + amount.value)
        }
        return result
    }

    /// `/protocols`: every protocol with its TVL split by chain.
    ///
    /// `tvl` is DefiLlama's own figure (plain TVL, without staking/pool2/borrowed); rows without a numeric `tvl`
    /// are skipped. The slug falls back to DefiLlama's rule (lower-cased name, spaces as dashes) when absent.
    public static func parseProtocols(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [DefiProtocol] {
        let rows = try wire.array(try root(body), "the /protocols body")
        var protocols: [DefiProtocol] = []
        protocols.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let fields = try wire.object(row, "protocol \(index)")
            let name = try wire.string(fields["name"], "`name` of protocol \(index)")
            guard let tvl = fields["tvl"]?.amount else { continue }
            let map = fields["chainTvls"]?.object ?? JSONObject(keys: [], values: [])
            let split = splitChainTvls(map)
            protocols.append(DefiProtocol(
                slug: fields["slug"]?.string ?? slugify(name),
                name: name,
                category: fields["category"]?.string,
                chains: fields["chains"]?.array?.compactMap(\.string) ?? split.chains.keys.sorted(),
                tvl: tvl,
                chainTvls: split.chains,
                extraTvls: split.extras,
                change1dPct: fields["change_1d"]?.double,
                change7dPct: fields["change_7d"]?.double,
                geckoId: fields["gecko_id"]?.string,
                chainExtraTvls: splitChainExtras(map)))
        }
        return protocols
    }

    /// `/tvl/{slug}`: the whole body is one number, the protocol's current TVL in USD.
    public static func parseTvl(_ body: some Collection<UInt8>) throws(ProviderWireError) -> Amount {
        let root = try root(body)
        guard let amount = root.amount else {
            throw wire.malformed("expected the /tvl body to be a single number, got \(WireContext.kind(root))")
        }
        return amount
    }

    /// `/v2/historicalChainTvl` or `/v2/historicalChainTvl/{chain}`: daily `{date (s), tvl}` points, ascending.
    public static func parseHistoricalChainTvl(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [TvlPoint] {
        try tvlPoints(try root(body), valueKey: "tvl", what: "the /historicalChainTvl body")
    }

    /// `/v2/chains`: each chain's current TVL and native token; rows without a numeric `tvl` are skipped.
    public static func parseChains(_ body: some Collection<UInt8>) throws(ProviderWireError) -> [ChainTvl] {
        let rows = try wire.array(try root(body), "the /v2/chains body")
        var chains: [ChainTvl] = []
        chains.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let name = try wire.string(row["name"], "`name` of chain \(index)")
            guard let tvl = row["tvl"]?.amount else { continue }
            chains.append(ChainTvl(name: name, tvl: tvl, tokenSymbol: row["tokenSymbol"]?.string,
                                   geckoId: row["gecko_id"]?.string, chainId: row["chainId"]?.int64))
        }
        return chains
    }

    /// A list of `{date (s), <valueKey>}` objects as ascending points, one per date.
    static func tvlPoints(_ value: JSONValue?, valueKey: String, what: String) throws(ProviderWireError) -> [TvlPoint] {
        let rows = try wire.array(value, what)
        var points: [TvlPoint] = []
        points.reserveCapacity(rows.count)
        var sorted = true
        for (index, row) in rows.enumerated() {
            let date = try wire.int64(row["date"], "`date` of point \(index) in \(what)")
            let point = TvlPoint(ts: date * 1_000, tvl: try wire.amount(row[valueKey], "`\(valueKey)` of point \(index) in \(what)"))
            if let last = points.last, last.ts >= point.ts { sorted = false }
            points.append(point)
        }
        if sorted { return points }
        var result: [TvlPoint] = []
        for point in points.enumerated().sorted(by: { ($0.element.ts, $0.offset) < ($1.element.ts, $1.offset) }).map(\.element) {
            if let last = result.last, last.ts == point.ts { result[result.count - 1] = point } else { result.append(point) }
        }
        return result
    }

    /// DefiLlama's slug rule: lower-cased name with spaces replaced by dashes.
    static func slugify(_ name: String) -> String {
        name.lowercased().split(separator: " ", omittingEmptySubsequences: true).joined(separator: "-")
    }
}
