import Dispatch
import Foundation
import ReplayUpstream
import Testing

/// The `replay-upstream` executable: one "listening on" line, real captures served, clean SIGTERM exit.
@Suite(.timeLimit(.minutes(1))) struct ExecutableTests {
    /// The built executable: `$REPLAY_UPSTREAM_BIN`, `$CRYPTODT_BIN_DIR/replay-upstream` (set by
    /// `make test`), or `replay-upstream` next to the test bundle.
    static let executable: URL? = {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["REPLAY_UPSTREAM_BIN"] {
            return URL(fileURLWithPath: explicit)
        }
        var directories = [Bundle.main.bundleURL.deletingLastPathComponent()]
        if let binDirectory = environment["CRYPTODT_BIN_DIR"] {
            directories.insert(URL(fileURLWithPath: binDirectory, isDirectory: true), at: 0)
        }
        if let first = CommandLine.arguments.first {
            let url = URL(fileURLWithPath: first)
            directories += [url.deletingLastPathComponent(), url.deletingLastPathComponent().deletingLastPathComponent()]
        }
        return directories.map { $0.appendingPathComponent("replay-upstream") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    @Test(.enabled(if: executable != nil, "replay-upstream is not built next to the tests"))
    func printsOneListeningLineServesAndExitsOnSIGTERM() async throws {
        let process = Process()
        guard let executable = Self.executable else { return }
        process.executableURL = executable
        process.arguments = [
            "--host", "127.0.0.1", "--port", "0", "--fixtures", ReplayTestSupport.fixtures.path,
            "--routes", ReplayTestSupport.routesFile.path, "--log-level", "warning",
        ]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let line = await Self.readLine(stdout.fileHandleForReading)
        let prefix = "listening on 127.0.0.1:"
        #expect(line.hasPrefix(prefix), "got \(line)")
        let port = try #require(Int(line.dropFirst(prefix.count)))
        #expect(port > 0)

        let response = try await HTTPProbe(port: port).get("/coingecko/api/v3/global")
        #expect(response.status == 200)
        #expect(response.bytes == (try ReplayTestSupport.fixture("coingecko/global.json")))

        process.terminate()  // SIGTERM
        await Self.waitForExit(process)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let rest = stdout.fileHandleForReading.readDataToEndOfFile()
        #expect(rest.isEmpty, "stdout had more than one line: \(String(decoding: rest, as: UTF8.self))")
    }

    @Test(.enabled(if: executable != nil, "replay-upstream is not built next to the tests"))
    func refusesNonLoopbackHosts() async throws {
        let process = Process()
        guard let executable = Self.executable else { return }
        process.executableURL = executable
        process.arguments = ["--host", "0.0.0.0", "--port", "0", "--fixtures", ReplayTestSupport.fixtures.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        await Self.waitForExit(process)
        #expect(process.terminationStatus != 0)
    }

    /// Reads bytes up to the first newline (blocking reads happen off the cooperative pool).
    static func readLine(_ handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
                    bytes.append(byte)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
    }

    /// Waits for a process to exit without blocking the cooperative pool.
    static func waitForExit(_ process: Process) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume()
            }
        }
    }
}
