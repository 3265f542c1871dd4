/// The upstream data providers whose responses this module parses.
public enum WireProvider: String, Sendable, Hashable, CaseIterable, Codable {
    case coingecko, binance, kraken, coincap, cryptocompare, defillama
    case alternativeMe = "alternative.me"
}

/// Why a provider response could not be turned into domain values.
public enum ProviderWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is not JSON, or not the shape this endpoint returns; `reason` says what was expected.
    case malformedBody(provider: WireProvider, reason: String)
    /// The provider answered with its own error envelope; `code` is its error code when it gives one
    /// (`"429"`, `"-1121"`, `"EQuery"`), `message` its own words.
    case providerError(provider: WireProvider, code: String?, message: String)
    /// A well-formed answer that holds nothing for the request (e.g. an unknown quote currency).
    case emptyResult(provider: WireProvider, detail: String)

    /// The provider the response came from.
    public var provider: WireProvider {
        switch self {
        case .malformedBody(let provider, _), .providerError(let provider, _, _), .emptyResult(let provider, _): provider
        }
    }

    /// Whether the provider said the caller is rate limited (CoinGecko 429, Binance -1003, Kraken `EAPI:Rate limit`,
    /// CryptoCompare rate-limit messages).
    public var isRateLimited: Bool {
        guard case .providerError(let provider, let code, let message) = self else { return false }
        let lowered = message.lowercased()
        switch provider {
        case .coingecko: return code == "429" || lowered.contains("rate limit")
        case .binance: return code == "-1003" || code == "-1015"
        default: return lowered.contains("rate limit") || code == "429"
        }
    }

    /// A one-line explanation naming the provider.
    public var description: String {
        switch self {
        case .malformedBody(let provider, let reason): "\(provider.rawValue): malformed response: \(reason)"
        case .providerError(let provider, let code, let message):
            "\(provider.rawValue): provider error\(code.map { " \($0)" } ?? ""): \(message)"
        case .emptyResult(let provider, let detail): "\(provider.rawValue): empty result: \(detail)"
        }
    }
}
