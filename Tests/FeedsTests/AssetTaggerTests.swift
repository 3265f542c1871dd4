import CryptoModels
import Feeds
import Testing

/// Tagging rules on a fixed asset list: names, upper-case tickers, `$` cashtags, common-word exceptions.
@Suite struct AssetTaggerTests {
    /// A small asset list with names and tickers that exercise every rule.
    static let assets = [
        Asset(symbol: "BTC", name: "Bitcoin"), Asset(symbol: "ETH", name: "Ethereum"),
        Asset(symbol: "SOL", name: "Solana"), Asset(symbol: "ADA", name: "Cardano"),
        Asset(symbol: "USDT", name: "Tether"), Asset(symbol: "RUNE", name: "THORChain"),
        Asset(symbol: "BCH", name: "Bitcoin Cash"), Asset(symbol: "ONE", name: "Harmony"),
        Asset(symbol: "AVAX", name: "Avalanche"), Asset(symbol: "OP", name: "Optimism"),
        Asset(symbol: "DOGE", name: "Dogecoin"), Asset(symbol: "SHIB", name: "Shiba Inu"),
        Asset(symbol: "LINK", name: "Chainlink"),
    ]
    /// The tagger under test.
    let tagger = AssetTagger(assets: assets)

    /// Each sentence yields exactly these symbols, in order of first mention.
    @Test(arguments: [
        ("Bitcoin and ethereum rally", ["BTC", "ETH"]),                    // names, any case
        ("SOL jumps 10% as BTC holds", ["SOL", "BTC"]),                   // upper-case tickers, order of mention
        ("A SOLUTION for sol holders", []),                               // not inside words, not lower case
        ("Why $sol and $Eth matter", ["SOL", "ETH"]),                     // $ prefix, any case
        ("ONE more thing", []),                                           // common-word ticker needs $
        ("$ONE surges", ["ONE"]),
        ("OP stack news", []),                                            // two-letter ticker needs $
        ("$OP airdrop", ["OP"]),
        ("DOGE cuts budgets", []),                                        // the US department, not the coin
        ("Dogecoin and $DOGE", ["DOGE"]),
        ("Bitcoin Cash forks again", ["BCH"]),                            // longer name wins, no BTC
        ("Bitcoin's price and Bitcoin Cash", ["BTC", "BCH"]),
        ("an avalanche of liquidations", []),                             // common-word name, lower case
        ("Avalanche subnets grow", ["AVAX"]),
        ("Shiba Inu burns tokens", ["SHIB"]),
        ("ETH2 is not ETH", ["ETH"]),                                     // ETH2 is one word
        ("BTC-USD and ETH/BTC", ["BTC", "ETH"]),
        ("Solana-based Chainlink LINK feeds", ["SOL", "LINK"]),
    ])
    func tagging(text: String, expected: [String]) {
        #expect(tagger.symbols(in: text) == expected)
    }

    /// Tags found in the real captures' titles and summaries (Cardano, THORChain, Tether).
    @Test func realHeadlines() throws {
        let cointelegraph = try Fixtures.feed("cointelegraph.xml")
        #expect(cointelegraph.items.map { tagger.symbols(title: $0.title, summary: $0.summary) } == [["ADA"], [], ["RUNE"]])
        let coindesk = try Fixtures.feed("coindesk.xml")
        // "Open USD takes on Tether, Circle …" mentions Tether.
        #expect(tagger.symbols(title: coindesk.items[1].title, summary: coindesk.items[1].summary) == ["USDT"])
        let news = cointelegraph.newsItems(source: "Cointelegraph", tagger: tagger)
        #expect(news.map(\.assets) == [["ADA"], [], ["RUNE"]])
    }
}
