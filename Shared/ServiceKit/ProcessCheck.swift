import Contracts
import Foundation
import RPC

/// The `process` health check every service reports: resident memory and open file descriptors.
public enum ProcessCheck {
    /// Resident set size in bytes, from `/proc/self/statm` (nil where unavailable).
    public static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Number of open file descriptors (nil where unavailable).
    public static func openDescriptors() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map(\.count)
    }

    /// The check: always healthy while the process answers; observations for diagnostics.
    public static func check() -> ComponentCheck {
        var observed: [String: JSON] = [:]
        if let rss = residentBytes() { observed["rss_bytes"] = .number(Double(rss)) }
        if let fds = openDescriptors() { observed["open_fds"] = .number(Double(fds)) }
        return ComponentCheck(name: "process", status: .healthy, observed: observed)
    }
}
