import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// glibc allocator settings that keep news-sentiment-svc's resident memory near the size of its weights.
///
/// Loading a model decodes every tensor through temporary arrays on a loader thread. glibc gives each such thread
/// its own arena and keeps the freed memory of those arenas mapped, which measured ≈ 40 MB of resident memory
/// beyond the weights with both models loaded (211 MB vs 168 MB with one arena). Limiting the process to one arena
/// (unless `MALLOC_ARENA_MAX` is set, which glibc honours itself) removes that; on this service's workload the
/// shared arena's lock is not a measurable cost. `malloc_trim` hands freed heap pages back after loading.
enum MallocTuning {
    /// Limits glibc to `count` arenas for allocations made from now on, unless `MALLOC_ARENA_MAX` is set.
    static func limitArenas(_ count: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) {
        #if canImport(Glibc)
        guard environment["MALLOC_ARENA_MAX"] == nil else { return }
        // mallopt/M_ARENA_MAX (-8) are not in the Swift Glibc module; look mallopt up in the loaded libc.
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, count)
        #endif
    }

    /// Returns freed heap pages to the system (`malloc_trim(0)`).
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "malloc_trim") else { return }
        typealias MallocTrim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
