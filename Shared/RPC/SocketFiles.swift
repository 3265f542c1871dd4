import Foundation

/// Preparation of Unix-domain socket paths: the directory exists, and a stale socket file left by a dead process is removed.
enum SocketFiles {
    /// Creates the socket's directory and removes a stale socket file; refuses to take over a socket another process serves.
    static func prepare(path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw SocketFileError.notASocket(path)
        }
        if isListening(path: path) { throw SocketFileError.inUse(path) }
        unlink(path)
    }

    /// Whether some process accepts connections on the socket at `path`.
    static func isListening(path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0
    }
}

/// Problems with a socket path.
enum SocketFileError: Error, CustomStringConvertible {
    case notASocket(String)
    case inUse(String)

    var description: String {
        switch self {
        case .notASocket(let path): "\(path) exists and is not a socket; refusing to replace it"
        case .inUse(let path): "another process is already serving \(path)"
        }
    }
}
