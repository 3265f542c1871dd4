import CryptoModels
import ProviderKit
import ProviderWire

/// CoinCap v3 (needs an API key; without one the provider is skipped): assets as prices and listing, in USD.
struct CoinCapProvider: MarketProvider {
    let endpoint: ProviderEndpoint

    /// Whether the provider can be called (CoinCap's current API requires a key).
    var isConfigured: Bool { endpoint.configuration.apiKey != nil }

    func quotes(_ assets: [Asset], vs: String) async throws(ProviderFailure) -> [Quote] {
        guard isConfigured else { throw unsupported("anything without COINCAP_API_KEY") }
        guard vs == "usd" else { throw unsupported("prices in \(vs)") }
        let ids = assets.compactMap { asset in asset.coincapId.map { ($0, asset.symbol) } }
        guard !ids.isEmpty else { throw unsupported("these assets") }
        let entries = try await endpoint.get("/assets", query: [("ids", ids.map(\.0).joined(separator: ","))]) {
            body throws(ProviderWireError) in try CoinCapParser.parseAssets(body.readableBytesView)
        }
        let now = nowMillis()
        return entries.compactMap { entry in
            ids.first { $0.0 == entry.id }.map { id in
                Quote(symbol: id.1, vs: "usd", price: entry.price, marketCap: entry.marketCap, volume24h: entry.volume24h,
                      change24hPct: entry.change24hPct, ts: entry.ts ?? now)
            }
        }
    }

    func markets(vs: String, limit: Int) async throws(ProviderFailure) -> [MarketEntry] {
        guard isConfigured else { throw unsupported("anything without COINCAP_API_KEY") }
        guard vs == "usd" else { throw unsupported("listings in \(vs)") }
        let entries = try await endpoint.get("/assets", query: [("limit", String(limit))]) { body throws(ProviderWireError) in
            try CoinCapParser.parseAssets(body.readableBytesView)
        }
        return Array(entries.prefix(limit))
    }
}
