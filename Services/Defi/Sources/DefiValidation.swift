import Contracts
import CryptoModels
import RPC

/// Authoritative input checks of defi-svc and its problems (the gateway repeats the cheap syntax checks).
enum DefiValidation {
    /// An integer within `range`.
    static func range(_ value: Int, _ range: ClosedRange<Int>, name: String) throws(RPCError) -> Int {
        guard range.contains(value) else {
            throw invalid(name, "'\(name)' must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// The `include` kinds in DefiLlama's spelling, deduplicated, in the order of ``Defi/Limits/includeKinds``.
    static func include(_ kinds: [String]) throws(RPCError) -> [String] {
        var wanted: Set<String> = []
        for raw in kinds {
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard let kind = Defi.Limits.includeKinds.first(where: { $0.lowercased() == text.lowercased() }) else {
                throw invalid("include", "'include' may list \(Defi.Limits.includeKinds.joined(separator: ", ")); got '\(text.prefix(40))'")
            }
            wanted.insert(kind)
        }
        return Defi.Limits.includeKinds.filter(wanted.contains)
    }

    /// A DefiLlama slug: 1–64 ASCII letters, digits, `.`, `-`, `_` or `&` (as in `polygon-bridge-&-staking`), lower-cased.
    static func slug(_ text: String) throws(RPCError) -> String {
        let slug = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard (1...Defi.Limits.maxNameLength).contains(slug.utf8.count),
              slug.utf8.allSatisfy({ isAlphanumeric($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F || $0 == 0x26 }) else {
            throw invalid("protocol", "'protocol' must be a slug of 1–64 letters, digits, '.', '-', '_' or '&', got '\(text.prefix(40))'")
        }
        return slug
    }

    /// A chain name as asked: 1–64 characters of letters, digits, spaces, `.`, `-` or `_`.
    static func chainText(_ text: String) throws(RPCError) -> String {
        let chain = text.trimmingCharacters(in: .whitespaces)
        guard (1...Defi.Limits.maxNameLength).contains(chain.utf8.count),
              chain.utf8.allSatisfy({ isAlphanumeric($0) || $0 == 0x20 || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }) else {
            throw invalid("chain", "'chain' must be a chain name of 1–64 letters, digits, spaces, '.', '-' or '_', got '\(text.prefix(40))'")
        }
        return chain
    }

    /// Whether an ASCII byte is a letter or digit.
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// An `invalid-parameter` problem naming the parameter.
    static func invalid(_ name: String, _ detail: String) -> RPCError {
        .problem("invalid-parameter", status: 400, title: "Invalid parameter", detail: detail, extensions: ["parameter": .string(name)])
    }

    /// `unknown-chain` (404): DefiLlama lists no chain by that name.
    static func unknownChain(_ chain: String) -> RPCError {
        .problem("unknown-chain", status: 404, title: "Unknown chain",
                 detail: "DefiLlama lists no chain named '\(chain.prefix(64))'", extensions: ["chain": .string(String(chain.prefix(64)))])
    }

    /// `unknown-protocol` (404): DefiLlama lists no protocol with that slug.
    static func unknownProtocol(_ slug: String) -> RPCError {
        .problem("unknown-protocol", status: 404, title: "Unknown protocol",
                 detail: "DefiLlama lists no protocol with slug '\(slug.prefix(64))'", extensions: ["protocol": .string(String(slug.prefix(64)))])
    }
}
