import CryptoModels
import ProviderKit
import ProviderWire

/// The DefiLlama adapter: `/protocols`, `/protocol/{slug}`, `/v2/chains`, `/v2/historicalChainTvl[/{chain}]`,
/// each through the endpoint's breaker, budget and retry policy and parsed by ``DefiLlamaParser``.
struct DefiLlamaProvider: Sendable {
    /// The endpoint (breaker, budget, health).
    let endpoint: ProviderEndpoint

    /// Provider name (`defillama`).
    var name: String { endpoint.name }

    /// `/protocols`: every protocol, TVL split by chain.
    func protocols() async throws(ProviderFailure) -> [DefiProtocol] {
        let list = try await endpoint.get("/protocols") { body throws(ProviderWireError) in
            try DefiLlamaParser.parseProtocols(body.readableBytesView)
        }
        guard !list.isEmpty else { throw ProviderFailure(provider: name, kind: .malformed, message: "/protocols listed no protocol") }
        return list
    }

    /// `/protocol/{slug}`: one protocol now and its TVL history.
    func protocolDetail(_ slug: String) async throws(ProviderFailure) -> ProtocolHistory {
        try await endpoint.get("/protocol/\(ProviderPath.segment(slug))") { body throws(ProviderWireError) in
            try DefiLlamaParser.parseProtocol(body.readableBytesView, slug: slug)
        }
    }

    /// `/v2/chains`: every chain's current TVL.
    func chains() async throws(ProviderFailure) -> [ChainTvl] {
        let list = try await endpoint.get("/v2/chains") { body throws(ProviderWireError) in
            try DefiLlamaParser.parseChains(body.readableBytesView)
        }
        guard !list.isEmpty else { throw ProviderFailure(provider: name, kind: .malformed, message: "/v2/chains listed no chain") }
        return list
    }

    /// `/v2/historicalChainTvl` (all chains) or `/v2/historicalChainTvl/{chain}`: daily TVL, ascending.
    func historicalChainTvl(chain: String?) async throws(ProviderFailure) -> [TvlPoint] {
        let path = chain.map { "/v2/historicalChainTvl/\(ProviderPath.segment($0))" } ?? "/v2/historicalChainTvl"
        let points = try await endpoint.get(path) { body throws(ProviderWireError) in
            try DefiLlamaParser.parseHistoricalChainTvl(body.readableBytesView)
        }
        guard !points.isEmpty else { throw ProviderFailure(provider: name, kind: .providerError, message: "\(path) has no points") }
        return points
    }
}

/// Path-segment escaping for names that go into a URL path (chain names contain spaces: `OP Mainnet`).
enum ProviderPath {
    /// `text` with everything but unreserved characters percent-encoded.
    static func segment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    /// The string left-padded with zeros to `width` characters.
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
