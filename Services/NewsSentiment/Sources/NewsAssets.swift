import CryptoModels
import Feeds

/// The assets news items are tagged with: the canonical assets of market-svc's seeded registry (symbol and display
/// name; market-svc's library is not imported, so the pairs are listed here) plus a few names news writes instead
/// (`Ether`, `Polygon`, `Ripple`). `NEWS_ASSETS` may add `SYMBOL=Name` pairs.
public enum NewsAssets {
    /// (symbol, name) of the seeded assets, roughly by market capitalisation.
    static let seeded: [(String, String)] = [
        ("BTC", "Bitcoin"), ("ETH", "Ethereum"), ("USDT", "Tether"), ("BNB", "BNB"), ("SOL", "Solana"),
        ("XRP", "XRP"), ("USDC", "USDC"), ("DOGE", "Dogecoin"), ("ADA", "Cardano"), ("TRX", "TRON"),
        ("AVAX", "Avalanche"), ("LINK", "Chainlink"), ("DOT", "Polkadot"), ("POL", "POL (ex-MATIC)"),
        ("LTC", "Litecoin"), ("BCH", "Bitcoin Cash"), ("SHIB", "Shiba Inu"), ("TON", "Toncoin"), ("XLM", "Stellar"),
        ("UNI", "Uniswap"), ("ATOM", "Cosmos Hub"), ("XMR", "Monero"), ("ETC", "Ethereum Classic"),
        ("NEAR", "NEAR Protocol"), ("APT", "Aptos"), ("ICP", "Internet Computer"), ("FIL", "Filecoin"),
        ("ARB", "Arbitrum"), ("OP", "Optimism"), ("HBAR", "Hedera"), ("VET", "VeChain"), ("MKR", "Maker"),
        ("AAVE", "Aave"), ("INJ", "Injective"), ("SUI", "Sui"), ("ALGO", "Algorand"), ("GRT", "The Graph"),
        ("SAND", "The Sandbox"), ("MANA", "Decentraland"), ("AXS", "Axie Infinity"), ("XTZ", "Tezos"),
        ("EOS", "EOS"), ("CRV", "Curve DAO"), ("LDO", "Lido DAO"), ("DAI", "Dai"), ("PEPE", "Pepe"),
        ("RENDER", "Render"), ("TIA", "Celestia"), ("STX", "Stacks"), ("IMX", "Immutable"), ("KAS", "Kaspa"),
        ("ARK", "Ark"),
    ]

    /// Other names the news uses for the same assets.
    static let aliases: [(String, String)] = [("ETH", "Ether"), ("POL", "Polygon"), ("POL", "MATIC"), ("XRP", "Ripple"),
                                               ("BNB", "Binance Coin")]

    /// The tagger over the seeded assets, the aliases and `extra` (`SYMBOL=Name`, comma-separated).
    public static func tagger(extra: String = "") -> AssetTagger {
        var assets = (seeded + aliases).map { Asset(symbol: $0.0, name: $0.1) }
        for pair in extra.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { continue }
            assets.append(Asset(symbol: parts[0].uppercased(), name: parts[1]))
        }
        return AssetTagger(assets: assets)
    }
}
