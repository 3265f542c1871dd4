import Foundation

/// Starts the `replay-upstream` executable for end-to-end tests.
public enum ReplayUpstreamProcess {
    /// The replay upstream did not report its port in time.
    public struct StartError: Error, CustomStringConvertible {
        /// What happened, with the process's output.
        public let description: String
    }

    /// Starts `replay-upstream` on a free loopback port serving `fixtures`, logging to `logPath`, and waits (up to
    /// 10 s) for its `listening on` line; returns the process and its port. The process is stopped when it fails.
    public static func start(fixtures: String, logPath: String) async throws -> (process: ServiceProcess, port: Int) {
        let process = try ServiceProcess(executable: BuiltProducts.path("replay-upstream"),
                                         arguments: ["--host", "127.0.0.1", "--port", "0", "--fixtures", fixtures,
                                                     "--log-level", "warning"],
                                         environment: [:], logPath: logPath)
        let prefix = "listening on 127.0.0.1:"
        var found: Int?
        _ = await Eventually.wait(timeout: .seconds(10)) {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                found = Int(line.dropFirst(prefix.count))
            }
            return found != nil
        }
        guard let port = found else {
            await process.stop()
            throw StartError(description: "replay-upstream did not start: \(process.output())")
        }
        return (process, port)
    }
}
