import Foundation
import Synchronization

/// A real child process started by a test (a service executable, supervisord, the replay upstream).
///
/// Spawned with `posix_spawn` and an empty signal mask with default dispositions: the test runner's threads block
/// most signals, and a child inheriting that mask (supervisord, for one) would never see SIGTERM.
/// Output goes to a log file so a failing test can show it; `stop()` sends SIGTERM, then SIGKILL.
public final class ServiceProcess: Sendable {
    /// The executable's path.
    public let executable: String
    /// Where its standard output and error go.
    public let logPath: String
    /// The child's process id.
    public let pid: Int32
    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`, the given environment added to a minimal inherited one.
    public init(executable: String, arguments: [String] = [], environment: [String: String], logPath: String,
                currentDirectory: String? = nil) throws {
        self.executable = executable
        self.logPath = logPath
        var env = ProcessInfo.processInfo.environment.filter { key, _ in
            ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV", "PYENV_ROOT"].contains(key)
        }
        env.merge(environment) { _, new in new }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // Glibc's module does not expose posix_spawn_file_actions_addchdir_np, so a shell changes directory first.
        let command = currentDirectory.map { ["/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", $0, executable] }
            ?? [executable]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        pid = child
    }

    /// Whether the child is still running (reaps it once it has exited).
    public var isRunning: Bool {
        exitStatus.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, WNOHANG)
            guard reaped == pid else { return reaped == 0 }
            // WIFEXITED / WEXITSTATUS, or 128 + signal number when killed.
            status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            return false
        }
    }

    /// Sends a signal to the child.
    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for the child to exit (up to `timeout`); returns its exit status, or nil if it is still running.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(10)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return isRunning ? nil : exitStatus.withLock { $0 }
    }

    /// Stops the child: SIGTERM, then SIGKILL after `grace`.
    public func stop(grace: Duration = .seconds(10)) async {
        guard isRunning else { return }
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
