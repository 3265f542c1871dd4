import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Pins the calling thread to one CPU for the duration of a measurement (Linux; elsewhere a no-op).
///
/// Why: on this project's shared 2-vCPU VM one vCPU can run 1.5× slower than the other for minutes (a busy
/// hyperthread sibling on the host), so an unpinned single-threaded measurement depends on where the scheduler put
/// it. `cryptodt-bench sentiment` pins the engine's and PyTorch's 1-thread measurements to the same CPU.
enum CPUAffinity {
    /// glibc's `sched_getaffinity`/`sched_setaffinity` (`pid` 0: the calling thread). Swift's Glibc module does not
    /// import them (they need `_GNU_SOURCE`), so they are looked up by name.
    private typealias AffinityCall = @convention(c) (Int32, Int, UnsafeMutableRawPointer) -> Int32
    /// Bytes of a `cpu_set_t` (1,024 CPUs).
    private static let setBytes = 128

    /// Runs `body` with the calling thread pinned to `cpu` (no pinning when `cpu` < 0 or pinning fails), then restores
    /// the thread's previous CPU set.
    static func pinned<T>(to cpu: Int, _ body: () throws -> T) rethrows -> T {
        #if os(Linux)
        guard cpu >= 0, cpu < setBytes * 8,
              let getSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity"),
              let setSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity") else { return try body() }
        let get = unsafeBitCast(getSymbol, to: AffinityCall.self), set = unsafeBitCast(setSymbol, to: AffinityCall.self)
        var previous = [UInt8](repeating: 0, count: setBytes), only = previous
        only[cpu / 8] = UInt8(1 << (cpu % 8))
        guard previous.withUnsafeMutableBytes({ get(0, setBytes, $0.baseAddress!) }) == 0,
              only.withUnsafeMutableBytes({ set(0, setBytes, $0.baseAddress!) }) == 0 else { return try body() }
        defer { _ = previous.withUnsafeMutableBytes { set(0, setBytes, $0.baseAddress!) } }
        #endif
        return try body()
    }
}
