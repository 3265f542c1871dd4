import CryptoModels

/// Finds which assets a story mentions, by name and by ticker.
///
/// The rules, applied to the text split into words (runs of letters and digits; everything else separates words):
/// - **Names** (`Bitcoin`, `Shiba Inu`, `Bitcoin Cash`) match whole words case-insensitively (`bitcoin's` counts).
///   Longer names win over names they contain: "Bitcoin Cash" tags BCH, not BTC too.
///   Names that are ordinary English words (`commonWordNames`, e.g. Avalanche, Optimism, Stellar) only match when
///   written with the asset's own capitalisation (`Avalanche`, not "an avalanche of liquidations").
/// - **Tickers** (`BTC`, `ETH`, `SOL`) match as upper-case whole words (`SOL` in "SOL rallies", never in
///   "SOLUTION" or "Sol"), or in any case with a `$` prefix (`$sol`).
///   Tickers that are also common words or news acronyms (`commonWordTickers`, e.g. ONE, GAS, AI, DOGE, TRUMP)
///   and tickers shorter than three characters match only with the `$` prefix (`$ONE`).
public struct AssetTagger: Sendable {
    /// Tickers that count only with a `$` prefix, because upper-case headlines and acronyms use them as words.
    public static let commonWordTickers: Set<String> = [
        "ACE", "AGI", "ALL", "ANY", "APE", "API", "APR", "APY", "ARE", "ATH", "BEAM", "BIG", "BLUR", "BOND", "CAKE",
        "CAN", "CEO", "CEX", "CORE", "CPI", "DAO", "DATA", "DEX", "DOGE", "DOJ", "ETF", "FBI", "FED", "FLOW", "FOR",
        "FUN", "GAME", "GAS", "GDP", "GET", "HOT", "ICE", "IPO", "IRS", "KEY", "KYC", "MASK", "MAX", "NEW", "NFT",
        "NOW", "ONE", "OUT", "PEOPLE", "POWER", "REAL", "SAFE", "SAND", "SEC", "SUN", "TOP", "TRUE", "TRUMP", "TVL",
        "USA", "WIN",
    ]

    /// Asset names that are ordinary words: they count only when capitalised as the asset writes them.
    public static let commonWordNames: Set<String> = [
        "avalanche", "optimism", "stellar", "dash", "maker", "compound", "harmony", "render", "immutable", "flow",
        "theta", "helium", "jupiter", "mantle", "blur", "core", "ronin", "beam", "flare", "oasis", "quant", "sonic",
        "gala", "chain", "sand", "gas", "ocean", "synapse", "stacks", "celo", "pyth", "echelon",
    ]

    private struct NamePattern: Sendable {
        var lowerTokens: [String]
        var exactTokens: [String]
        var symbol: String
        var exactCase: Bool
    }

    private let namesByFirstToken: [String: [NamePattern]]
    private let tickers: [String: String]   // upper-case ticker → canonical symbol
    private let dollarOnly: Set<String>

    /// A tagger for `assets` (canonical symbol and display name each).
    public init(assets: [Asset]) {
        var names: [String: [NamePattern]] = [:]
        var tickers: [String: String] = [:]
        for asset in assets {
            let symbol = asset.symbol.uppercased()
            if !symbol.isEmpty { tickers[symbol] = tickers[symbol] ?? asset.symbol }
            let exact = Self.words(asset.name).map { String($0.text) }
            guard !exact.isEmpty else { continue }
            let lower = exact.map { $0.lowercased() }
            let pattern = NamePattern(lowerTokens: lower, exactTokens: exact, symbol: asset.symbol,
                                      exactCase: Self.commonWordNames.contains(lower.joined(separator: " ")))
            names[lower[0], default: []].append(pattern)
        }
        namesByFirstToken = names.mapValues { $0.sorted { $0.lowerTokens.count > $1.lowerTokens.count } }
        self.tickers = tickers
        dollarOnly = Set(tickers.keys.filter { $0.count < 3 || Self.commonWordTickers.contains($0) })
    }

    /// Canonical symbols of the assets mentioned in a story's title and summary, in order of first mention.
    public func symbols(title: String, summary: String?) -> [String] {
        symbols(in: summary.map { title + "\n" + $0 } ?? title)
    }

    /// Canonical symbols of the assets mentioned in `text`, in order of first mention, without repeats.
    public func symbols(in text: String) -> [String] {
        let words = Self.words(text)
        var found: [String] = []
        var k = 0
        outer: while k < words.count {
            let word = words[k]
            let lower = word.text.lowercased()
            for pattern in namesByFirstToken[lower] ?? [] where k + pattern.lowerTokens.count <= words.count {
                var ok = true
                for (m, token) in pattern.lowerTokens.enumerated() {
                    let candidate = words[k + m].text
                    if pattern.exactCase ? candidate != pattern.exactTokens[m] : candidate.lowercased() != token {
                        ok = false
                        break
                    }
                }
                if ok {
                    if !found.contains(pattern.symbol) { found.append(pattern.symbol) }
                    k += pattern.lowerTokens.count
                    continue outer
                }
            }
            let upper = word.text.uppercased()
            if let symbol = tickers[upper] {
                let isUpperCaseWord = word.text == upper && word.text.contains(where: \.isLetter)
                if word.dollar || (isUpperCaseWord && !dollarOnly.contains(upper)) {
                    if !found.contains(symbol) { found.append(symbol) }
                }
            }
            k += 1
        }
        return found
    }

    /// Words of `text` (runs of letters and digits) and whether each directly follows a `$`.
    private static func words(_ text: String) -> [(text: Substring, dollar: Bool)] {
        var result: [(text: Substring, dollar: Bool)] = []
        let scalars = text.unicodeScalars
        var start: String.Index?
        var previous: Unicode.Scalar?
        var dollar = false
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let isWordScalar = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if isWordScalar {
                if start == nil { start = index; dollar = previous == "$" }
            } else if let s = start {
                result.append((text[s..<index], dollar))
                start = nil
            }
            previous = scalar
            index = scalars.index(after: index)
        }
        if let s = start { result.append((text[s...], dollar)) }
        return result
    }
}
