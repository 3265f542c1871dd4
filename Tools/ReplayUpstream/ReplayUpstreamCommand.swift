import ArgumentParser
import Foundation
import Logging
import ReplayUpstream

/// `replay-upstream`: serves captured provider responses on a loopback port for end-to-end tests.
///
/// Prints exactly one line, `listening on <host>:<port>`, to standard output once bound (logs go to
/// standard error) and exits cleanly on SIGTERM or SIGINT.
@main
struct ReplayUpstreamCommand: AsyncParsableCommand {
    /// Command name, abstract and discussion for `--help`.
    static let configuration = CommandConfiguration(
        commandName: "replay-upstream",
        abstract: "Replay captured crypto-provider responses on a loopback port, with fault injection.",
        discussion: "Control API under /_control/ (routes, faults, hits, reset): see docs/replay-upstream.md."
    )

    /// Address to bind.
    @Option(help: "Loopback address to bind (127.0.0.1, another 127.x.y.z, ::1 or localhost).")
    var host = "127.0.0.1"

    /// Port to bind (0 = any free port).
    @Option(help: "Port to bind; 0 picks a free port (read it from the 'listening on' line).")
    var port = 0

    /// Fixtures directory.
    @Option(help: "Fixtures directory that route 'file' paths are relative to.")
    var fixtures = "Tests/Fixtures"

    /// Routes file; defaults inside the fixtures directory.
    @Option(help: "Routes file (JSON). Default: <fixtures>/replay/routes.json.")
    var routes: String?

    /// Standard-error log level.
    @Option(help: "Log level for standard error (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    /// Rejects non-loopback hosts, bad ports and unknown log levels before anything starts.
    func validate() throws {
        guard ReplayConfiguration.isLoopback(self.host) else {
            throw ValidationError("--host \(self.host) is not a loopback address; only 127.0.0.0/8, ::1 and localhost are allowed")
        }
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard Logger.Level(rawValue: self.logLevel) != nil else {
            throw ValidationError("--log-level \(self.logLevel) is not a log level")
        }
    }

    /// Loads the routes, binds, prints the `listening on` line and serves until SIGTERM/SIGINT.
    func run() async throws {
        var logger = Logger(label: "replay-upstream") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: self.logLevel) ?? .info
        let fixturesURL = URL(fileURLWithPath: self.fixtures, isDirectory: true)
        let routesURL = URL(fileURLWithPath: self.routes ?? fixturesURL.appendingPathComponent("replay/routes.json").path)
        let configuration = ReplayConfiguration(
            host: self.host, port: self.port, fixturesDirectory: fixturesURL, routesFile: routesURL, logger: logger)
        // A bad routes file or fixture surfaces as "Error: cannot load routes file …" and exit status 1.
        let server = try ReplayServer(configuration: configuration) { address in
            // FileHandle writes straight to the descriptor: the line is flushed as soon as it is written.
            FileHandle.standardOutput.write(Data("listening on \(address)\n".utf8))
        }
        logger.info("loaded \(server.store.fileRoutes.count) routes from \(routesURL.path)")
        try await server.runUntilSignalled()
    }
}
