import CryptoModels
import ProviderWire
import RPC
import Synchronization

/// What a symbol means: the asset, and the quote asset when the symbol named a market (`BTCUSDT`).
struct ResolvedSymbol: Sendable, Hashable {
    /// The canonical asset.
    var asset: Asset
    /// The quote asset, upper-case, when the input was a market.
    var quote: String?
}

/// Canonical assets and each provider's identifiers (BTC ↔ bitcoin ↔ XBT ↔ BTCUSDT).
///
/// Seeded from ``AssetSeed`` and refreshed from CoinGecko's `/coins/list` (more assets, reachable by their
/// CoinGecko id or by an unambiguous ticker) and Binance's `exchangeInfo` (which markets exist). A ticker that
/// several listed coins share, and that the seed does not settle, is ambiguous: the error lists the candidates.
final class AssetRegistry: Sendable {
    private struct Storage {
        var bySymbol: [String: Asset] = [:]
        var byCoinGeckoID: [String: Asset] = [:]
        var listingsBySymbol: [String: [CoinListing]] = [:]
        var listingsByID: [String: CoinListing] = [:]
        var binanceMarkets: [String: ExchangeSymbol] = [:]
    }

    /// Quote assets recognised as the suffix of a market symbol (longest first).
    static let quoteSuffixes = ["FDUSD", "USDT", "USDC", "BUSD", "USD", "EUR", "GBP", "JPY", "BTC", "ETH"]

    private let storage = Mutex(Storage())

    /// A registry holding the seed.
    init(seed: [Asset] = AssetSeed.assets) {
        storage.withLock { s in
            for asset in seed {
                s.bySymbol[asset.symbol] = asset
                if let id = asset.coingeckoId { s.byCoinGeckoID[id] = asset }
            }
        }
    }

    /// Number of assets reachable by ticker (seeded plus unambiguous listed ones) and of listings.
    var counts: (seeded: Int, listed: Int, binanceMarkets: Int) {
        storage.withLock { ($0.bySymbol.count, $0.listingsByID.count, $0.binanceMarkets.count) }
    }

    /// Adds CoinGecko's coin list.
    func refresh(coinList: [CoinListing]) {
        var bySymbol: [String: [CoinListing]] = [:]
        var byID: [String: CoinListing] = [:]
        for listing in coinList {
            bySymbol[listing.symbol.uppercased(), default: []].append(listing)
            byID[listing.id] = listing
        }
        storage.withLock { s in
            s.listingsBySymbol = bySymbol
            s.listingsByID = byID
        }
    }

    /// Records Binance's markets.
    func refresh(exchangeInfo: [ExchangeSymbol]) {
        var markets: [String: ExchangeSymbol] = [:]
        for market in exchangeInfo where market.isTrading { markets[market.symbol] = market }
        storage.withLock { $0.binanceMarkets = markets }
    }

    /// Whether Binance lists `market` as trading; nil while exchangeInfo has not been loaded.
    func binanceHasMarket(_ market: String) -> Bool? {
        storage.withLock { s in s.binanceMarkets.isEmpty ? nil : s.binanceMarkets[market] != nil }
    }

    /// Resolves a ticker, a CoinGecko id or a market symbol.
    ///
    /// - Throws: `unknown-asset` (404) or `ambiguous-symbol` (400, with `candidates`).
    func resolve(_ input: String) throws(RPCError) -> ResolvedSymbol {
        let trimmed = input.trimmingCharacters(in: .whitespaces)
        let upper = trimmed.uppercased()
        return try storage.withLock { s throws(RPCError) -> ResolvedSymbol in
            if let asset = s.bySymbol[upper] { return ResolvedSymbol(asset: asset) }
            if let asset = s.byCoinGeckoID[trimmed.lowercased()] { return ResolvedSymbol(asset: asset) }
            if let listing = s.listingsByID[trimmed.lowercased()] { return ResolvedSymbol(asset: Self.asset(listing)) }
            // Market symbols: BTC-USD, BTC/USDT, BTCUSDT.
            let parts = upper.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "_" }).map(String.init)
            if parts.count == 2, let asset = s.bySymbol[parts[0]], !parts[1].isEmpty {
                return ResolvedSymbol(asset: asset, quote: parts[1])
            }
            if let market = s.binanceMarkets[upper], let asset = s.bySymbol[market.baseAsset] {
                return ResolvedSymbol(asset: asset, quote: market.quoteAsset)
            }
            for suffix in Self.quoteSuffixes where upper.hasSuffix(suffix) && upper.count > suffix.count {
                if let asset = s.bySymbol[String(upper.dropLast(suffix.count))] {
                    return ResolvedSymbol(asset: asset, quote: suffix)
                }
            }
            if let listings = s.listingsBySymbol[upper] {
                if listings.count == 1 { return ResolvedSymbol(asset: Self.asset(listings[0])) }
                let candidates = listings.prefix(20).map { listing -> JSON in
                    ["id": .string(listing.id), "symbol": .string(listing.symbol.uppercased()), "name": .string(listing.name)]
                }
                throw RPCError.problem(
                    "ambiguous-symbol", status: 400, title: "Ambiguous symbol",
                    detail: "'\(trimmed.prefix(40))' names \(listings.count) different coins; ask by id instead (e.g. '\(listings[0].id)')",
                    extensions: ["symbol": .string(String(trimmed.prefix(40))), "candidates": .array(Array(candidates))])
            }
            throw RPCError.problem("unknown-asset", status: 404, title: "Unknown asset",
                                   detail: "no asset is known by the symbol '\(trimmed.prefix(40))'",
                                   extensions: ["symbol": .string(String(trimmed.prefix(40)))])
        }
    }

    /// An asset built from a CoinGecko listing: reachable at CoinGecko (and CryptoCompare by ticker) only.
    static func asset(_ listing: CoinListing) -> Asset {
        Asset(symbol: listing.symbol.uppercased(), name: listing.name, coingeckoId: listing.id)
    }
}
