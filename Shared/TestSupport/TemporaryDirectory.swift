import Foundation

/// A fresh directory under `/tmp` with a short path (Unix socket paths are limited to 107 bytes), removed on `remove()`.
public struct TemporaryDirectory: Sendable {
    /// The directory's absolute path.
    public let path: String

    /// Creates a new unique directory.
    public init(prefix: String = "cdt") throws {
        let name = "\(prefix)-\(UInt32.random(in: 0...UInt32.max))-\(getpid())"
        path = "/tmp/\(name)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Deletes the directory and its contents.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
