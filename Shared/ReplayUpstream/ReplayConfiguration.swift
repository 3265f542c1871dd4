import Foundation
import Logging

/// How to start a ``ReplayServer``.
public struct ReplayConfiguration: Sendable {
    /// Loopback address to bind (`127.0.0.1`, any `127.x.y.z`, `::1` or `localhost`).
    public var host: String
    /// Port to bind; 0 picks a free one (read it back from ``ReplayServer/port``).
    public var port: Int
    /// Directory that route `file` paths are relative to (`Tests/Fixtures`).
    public var fixturesDirectory: URL?
    /// Routes file to load at start; `nil` starts with no file routes.
    public var routesFile: URL?
    /// Logger for the server (the executable sends it to standard error).
    public var logger: Logger

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 0, fixturesDirectory: URL? = nil, routesFile: URL? = nil,
        logger: Logger = Logger(label: "replay-upstream")
    ) {
        self.host = host
        self.port = port
        self.fixturesDirectory = fixturesDirectory
        self.routesFile = routesFile
        self.logger = logger
    }

    /// Whether a host names a loopback address.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            guard let value = Int(octet), octet.allSatisfy(\.isNumber) else { return false }
            return (0...255).contains(value)
        }
    }

    /// Loads and validates every route of a routes file.
    /// - Throws: ``ReplayError/unreadableRoutesFile(path:reason:)`` naming the file and, for a bad
    ///   route, its position and path.
    public static func loadRoutes(from routesFile: URL, fixturesDirectory: URL?) throws -> [ReplayRoute] {
        let data: Data
        do {
            data = try Data(contentsOf: routesFile)
        } catch {
            throw ReplayError.unreadableRoutesFile(path: routesFile.path, reason: error.localizedDescription)
        }
        let file: RoutesFile
        do {
            file = try JSONDecoder().decode(RoutesFile.self, from: data)
        } catch let error as DecodingError {
            throw ReplayError.unreadableRoutesFile(path: routesFile.path, reason: ControlJSON.describe(error))
        }
        return try file.routes.enumerated().map { index, spec in
            do {
                return try ReplayRoute(spec: spec, fixturesDirectory: fixturesDirectory)
            } catch let error as ReplayError {
                throw ReplayError.unreadableRoutesFile(
                    path: routesFile.path, reason: "route #\(index) (\(spec.path)): \(error.description)")
            }
        }
    }
}

/// The address a running server is bound to.
public struct ReplayAddress: Sendable, Equatable, CustomStringConvertible {
    /// IP address as text (`127.0.0.1`, `::1`).
    public var host: String
    /// Bound port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `127.0.0.1:8080` or `[::1]:8080`.
    public var description: String { self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)" }

    /// `http://127.0.0.1:8080`, the base every provider prefix hangs from.
    public var baseURL: String { "http://\(self.description)" }
}
