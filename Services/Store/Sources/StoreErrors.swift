import Contracts
import RPC

/// Store errors as the caller sees them: bad arguments are `invalid-parameter` (400), duplicates `duplicate` (409);
/// corrupt values and file-system failures stay internal (the server logs them and answers -32603).
extension StoreError: RPCErrorConvertible {
    /// The error on the wire.
    public var rpcError: RPCError {
        switch self {
        case .invalidArgument(let detail):
            .problem("invalid-parameter", status: 400, title: "Invalid parameter", detail: detail)
        case .duplicate(let detail):
            .problem("duplicate", status: 409, title: "Duplicate", detail: detail)
        case .invalidBackup(let path, let reason):
            .problem("invalid-backup", status: 422, title: "Invalid backup", detail: "\(path): \(reason)")
        case .corruptValue, .fileSystem:
            RPCError(code: RPCErrorCode.internalError, message: "internal error")
        }
    }
}

/// The application problems of store-svc's queries.
enum StoreProblems {
    /// A symbol the store has never seen.
    static func unknownAsset(_ symbol: String) -> RPCError {
        .problem("unknown-asset", status: 404, title: "Unknown asset",
                 detail: "no history is stored for symbol '\(symbol)'", extensions: ["symbol": .string(symbol)])
    }

    /// A DeFi protocol the store has never seen.
    static func unknownProtocol(_ slug: String) -> RPCError {
        .problem("unknown-protocol", status: 404, title: "Unknown protocol",
                 detail: "no history is stored for protocol '\(slug)'", extensions: ["protocol": .string(slug)])
    }

    /// An argument out of its range.
    static func invalid(_ name: String, _ detail: String) -> RPCError {
        .problem("invalid-parameter", status: 400, title: "Invalid parameter", detail: detail,
                 extensions: ["parameter": .string(name)])
    }

    /// Checks `value` is within `range`.
    static func require(_ value: Int, in range: ClosedRange<Int>, _ name: String) throws {
        guard range.contains(value) else {
            throw invalid(name, "'\(name)' must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }

    /// Checks `from ≤ to`.
    static func requireRange(_ from: Int64, _ to: Int64) throws {
        guard from <= to else { throw invalid("from", "'from' (\(from)) is after 'to' (\(to))") }
    }
}
