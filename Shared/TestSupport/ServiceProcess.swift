import Foundation

/// A real child process started by a test (a service executable, supervisord, the replay upstream).
///
/// Output goes to a log file so a failing test can show it; the process is sent SIGTERM (then SIGKILL) on `stop()`.
public final class ServiceProcess: Sendable {
    /// The executable's path.
    public let executable: String
    /// Where its standard output and error go.
    public let logPath: String
    private let process: Process

    /// Starts `executable` with `arguments`, the given environment added to a minimal inherited one.
    public init(executable: String, arguments: [String] = [], environment: [String: String], logPath: String,
                currentDirectory: String? = nil) throws {
        self.executable = executable
        self.logPath = logPath
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { key, _ in
            ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV"].contains(key)
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Whether the child is still running.
    public var isRunning: Bool { process.isRunning }

    /// Sends a signal to the child.
    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the child to exit (up to `timeout`); returns its exit status, or nil if it is still running.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(10)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Stops the child: SIGTERM, then SIGKILL after `grace`.
    public func stop(grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        signal(SIGTERM)
        if await waitForExit(timeout: grace) == nil {
            signal(SIGKILL)
            await waitForExit(timeout: .seconds(5))
        }
    }

    /// The log's content so far (for failure messages).
    public func output() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }
}

/// Where the package's built executables are.
public enum BuiltProducts {
    /// `CRYPTODT_BIN_DIR` when set, else the directory of the running test bundle (SwiftPM puts products beside it).
    public static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["CRYPTODT_BIN_DIR"], !dir.isEmpty { return dir }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("gateway").path) { return url.path }
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    }

    /// The path of a built executable.
    public static func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
}

/// Polling helpers for readiness.
public enum Eventually {
    /// Polls `condition` every `interval` until it is true or `timeout` passes; returns whether it became true.
    public static func wait(timeout: Duration, interval: Duration = .milliseconds(25),
                            _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: interval)
        }
        return await condition()
    }
}
