import Foundation

/// Where an RPC server listens or a client connects: a Unix-domain socket path or a TCP endpoint.
///
/// Parsed from configuration text: `tcp://host:port`, `unix:///path/to.sock`, or a bare filesystem path.
public enum RPCAddress: Sendable, Hashable, CustomStringConvertible {
    /// A Unix-domain stream socket at this path.
    case unix(path: String)
    /// A TCP endpoint.
    case tcp(host: String, port: Int)

    /// Parses an address; throws ``RPCAddressError`` for text that is neither a path nor a valid `tcp://` URL.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("tcp://") {
            let rest = trimmed.dropFirst("tcp://".count)
            guard let colon = rest.lastIndex(of: ":"),
                  let port = Int(rest[rest.index(after: colon)...]), (0...65_535).contains(port)
            else { throw RPCAddressError.invalid(text) }
            var host = String(rest[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw RPCAddressError.invalid(text) }
            self = .tcp(host: host, port: port)
        } else if trimmed.hasPrefix("unix://") {
            let path = String(trimmed.dropFirst("unix://".count))
            guard !path.isEmpty else { throw RPCAddressError.invalid(text) }
            self = .unix(path: path)
        } else {
            guard !trimmed.isEmpty, !trimmed.contains("://") else { throw RPCAddressError.invalid(text) }
            self = .unix(path: trimmed)
        }
    }

    /// The address in the form ``init(parsing:)`` accepts.
    public var description: String {
        switch self {
        case .unix(let path): path
        case .tcp(let host, let port): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        }
    }
}

/// A malformed RPC address.
public enum RPCAddressError: Error, CustomStringConvertible {
    /// The text is not a socket path nor `tcp://host:port`.
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let text): "invalid RPC address '\(text)': expected a socket path or tcp://host:port"
        }
    }
}
