import Contracts
import CryptoModels
import RPC

/// Authoritative input checks of market-svc (the gateway repeats the cheap ones for query syntax).
enum MarketValidation {
    /// A supported quote currency, lower-cased.
    static func vs(_ text: String) throws(RPCError) -> String {
        let vs = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard Market.Limits.vsCurrencies.contains(vs) else {
            throw invalid("vs", "'vs' must be one of \(Market.Limits.vsCurrencies.joined(separator: ", ")), got '\(text.prefix(20))'")
        }
        return vs
    }

    /// 1…50 non-empty symbols.
    static func symbols(_ symbols: [String]) throws(RPCError) -> [String] {
        let cleaned = symbols.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !cleaned.isEmpty else { throw invalid("symbols", "'symbols' must name at least one symbol") }
        guard cleaned.count <= Market.Limits.maxSymbols else {
            throw invalid("symbols", "'symbols' lists \(cleaned.count) values; at most \(Market.Limits.maxSymbols) are allowed")
        }
        return cleaned
    }

    /// A known interval.
    static func interval(_ text: String) throws(RPCError) -> Interval {
        guard let interval = Interval(rawValue: text) else {
            throw invalid("interval", "'interval' must be one of \(Interval.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text.prefix(20))'")
        }
        return interval
    }

    /// An integer within `range`.
    static func limit(_ value: Int, _ range: ClosedRange<Int>, name: String = "limit") throws(RPCError) -> Int {
        guard range.contains(value) else {
            throw invalid(name, "'\(name)' must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// An `invalid-parameter` problem naming the parameter.
    static func invalid(_ name: String, _ detail: String) -> RPCError {
        .problem("invalid-parameter", status: 400, title: "Invalid parameter", detail: detail, extensions: ["parameter": .string(name)])
    }
}
