import Foundation
import Logging

/// One-line structured log output: `[market-svc] 2026-11-21T18:41:55.123Z info: message key=value …`.
///
/// Lines go to standard output (supervisord prefixes them with the process name). Values containing spaces or
/// quotes are quoted. Nothing secret is ever placed in metadata by this codebase.
public struct LineLogHandler: LogHandler {
    /// Metadata attached to every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// The minimum level written.
    public var logLevel: Logger.Level
    private let label: String
    private let sink: LogSink

    /// Creates a handler writing to `sink` (standard output by default).
    public init(label: String, level: Logger.Level, sink: LogSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "[" + label + "] " + Self.timestamp() + " " + event.level.rawValue + ": " + event.message.description
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for key in merged.keys.sorted() {
            line += " " + key + "=" + Self.quote("\(merged[key]!)")
        }
        line += "\n"
        sink.write(line)
    }

    static func quote(_ value: String) -> String {
        if value.isEmpty { return "\"\"" }
        guard value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }
}

/// Where log lines go.
public struct LogSink: Sendable {
    let write: @Sendable (String) -> Void

    /// Writes each line with one `write(2)` to standard output.
    public static let standardOutput = LogSink { line in
        var line = line
        line.withUTF8 { buffer in _ = Foundation.write(1, buffer.baseAddress, buffer.count) }
    }

    /// A custom sink (tests capture lines with it).
    public static func custom(_ write: @escaping @Sendable (String) -> Void) -> LogSink { LogSink(write: write) }
}
