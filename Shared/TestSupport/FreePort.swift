import Foundation
import Synchronization

/// Free TCP ports on the loopback interface for services a test starts with a fixed `PORT`.
///
/// Ports are drawn at random from **below the kernel's ephemeral range** (`/proc/sys/net/ipv4/ip_local_port_range`,
/// 32768–60999 by default), never twice in one test process, and checked by binding them. Why not "bind port 0 and
/// read it back": between that check and the service binding the number a second later, the kernel could give the
/// same port to any other `bind(0)` — another test's replay upstream listening on port 0, or an outgoing connection's
/// local side. It happened: a replay upstream got the port a market stack's readiness probe was polling and logged its
/// `/api/health` requests. Ports outside the ephemeral range are never handed out by the kernel on its own.
public enum FreePort {
    /// Ports this process has handed out.
    private static let handedOut = Mutex<Set<Int>>([])

    /// The lowest port of the kernel's ephemeral range (32768 when it cannot be read).
    static let ephemeralStart: Int = {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
              let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first,
              let start = Int(first) else { return 32_768 }
        return start
    }()

    /// A port that binds on 127.0.0.1 now, below the ephemeral range, not handed out before by this process.
    public static func next() throws -> Int {
        let low = 10_000, high = ephemeralStart
        if high - low >= 1_000 {
            for _ in 0..<500 {
                let candidate = Int.random(in: low..<high)
                guard handedOut.withLock({ $0.insert(candidate).inserted }) else { continue }
                if bindable(candidate) { return candidate }
            }
        }
        return try kernelAssigned()
    }

    /// Whether `port` can be bound on 127.0.0.1 right now (the socket is closed again at once).
    static func bindable(_ port: Int) -> Bool {
        (try? bound(port: port)) != nil
    }

    /// A port the kernel picks (bind to port 0, read it back, close): the fallback when the range below the
    /// ephemeral ports is too small.
    static func kernelAssigned() throws -> Int {
        let port = try bound(port: 0)
        handedOut.withLock { _ = $0.insert(port) }
        return port
    }

    /// Binds a TCP socket to 127.0.0.1:`port`, reads the bound port back and closes the socket.
    static func bound(port: Int) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
