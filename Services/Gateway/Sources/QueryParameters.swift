import Foundation
import Hummingbird

/// Typed access to query parameters; every malformed value becomes a 400 `invalid-parameter` problem naming it.
struct QueryParameters {
    let request: Request

    init(_ request: Request) { self.request = request }

    /// The raw value, or nil when absent or empty.
    func string(_ name: String) -> String? {
        guard let value = request.uri.queryParameters[Substring(name)], !value.isEmpty else { return nil }
        return String(value)
    }

    /// An integer within `range`; `defaultValue` when absent.
    func int(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws -> Int {
        guard let text = string(name) else { return defaultValue }
        guard let value = Int(text) else {
            throw Problem.invalidParameter(name, "'\(name)' must be an integer, got '\(text.prefix(40))'")
        }
        guard range.contains(value) else {
            throw Problem.invalidParameter(name, "'\(name)' must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
        return value
    }

    /// One of `allowed`; `defaultValue` when absent.
    func choice(_ name: String, _ allowed: [String], default defaultValue: String? = nil) throws -> String? {
        guard let text = string(name) else { return defaultValue }
        guard allowed.contains(text) else {
            throw Problem.invalidParameter(name, "'\(name)' must be one of \(allowed.joined(separator: ", ")), got '\(text.prefix(40))'")
        }
        return text
    }

    /// A comma-separated list, trimmed, without empty items; throws when longer than `maxCount`.
    func list(_ name: String, maxCount: Int) throws -> [String]? {
        guard let text = string(name) else { return nil }
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard items.count <= maxCount else {
            throw Problem.invalidParameter(name, "'\(name)' lists \(items.count) values; at most \(maxCount) are allowed")
        }
        return items
    }
}
