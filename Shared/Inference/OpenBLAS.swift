import CBLAS
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// OpenBLAS, loaded with `dlopen` on first use rather than linked at start-up.
///
/// Why: OpenBLAS picks its CPU kernels once, while it loads. Debian's OpenBLAS 0.3.21 does not recognise
/// recent Xeons (e.g. this project's family 6 model 207 hosts) and falls back to its SSE3 "Prescott"
/// kernels — several times slower. Loading it ourselves lets us set `OPENBLAS_CORETYPE` from the CPU's
/// actual features (AVX-512 → `SkylakeX`, AVX2+FMA → `Haswell`) before its initialiser runs. An
/// `OPENBLAS_CORETYPE` already in the environment is always respected.
struct OpenBLAS: Sendable {
    /// The C signature of `cblas_sgemm`.
    typealias Sgemm = @convention(c) (
        CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, Int32, Int32, Int32,
        Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
        Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    /// The C signature of `openblas_set_num_threads`.
    typealias SetThreads = @convention(c) (Int32) -> Void
    /// The C signature of `openblas_get_num_threads`.
    typealias GetThreads = @convention(c) () -> Int32

    /// `cblas_sgemm`.
    let sgemm: Sgemm
    /// `openblas_set_num_threads`.
    let setThreadCount: SetThreads
    /// `openblas_get_num_threads`.
    let threadCount: GetThreads
    /// The kernel family OpenBLAS chose (`openblas_get_corename`), e.g. `SkylakeX`.
    let coreName: String

    /// The process-wide instance, loaded once (thread-safe lazy initialisation).
    static let shared: Result<OpenBLAS, InferenceError> = load()

    /// Library names tried in order.
    static let candidates = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.0.dylib"]

    private static func load() -> Result<OpenBLAS, InferenceError> {
        if getenv("OPENBLAS_CORETYPE") == nil, let core = preferredCoreType() {
            setenv("OPENBLAS_CORETYPE", core, 0)
        }
        var handle: UnsafeMutableRawPointer?
        var failures: [String] = []
        for name in candidates {
            handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL)
            if handle != nil { break }
            failures.append(dlerror().map { String(cString: $0) } ?? name)
        }
        guard let handle else {
            return .failure(.blasUnavailable(reason: "cannot load OpenBLAS (install libopenblas0): \(failures.joined(separator: "; "))"))
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            guard let pointer = dlsym(handle, name) else { return nil }
            return unsafeBitCast(pointer, to: type)
        }
        guard let sgemm = symbol("cblas_sgemm", as: Sgemm.self),
              let set = symbol("openblas_set_num_threads", as: SetThreads.self),
              let get = symbol("openblas_get_num_threads", as: GetThreads.self)
        else {
            return .failure(.blasUnavailable(reason: "the loaded BLAS lacks cblas_sgemm or openblas_set_num_threads"))
        }
        typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
        let name = symbol("openblas_get_corename", as: CoreName.self).flatMap { $0() }.map { String(cString: $0) } ?? "unknown"
        return .success(OpenBLAS(sgemm: sgemm, setThreadCount: set, threadCount: get, coreName: name))
    }

    /// The OpenBLAS core type matching this CPU's vector extensions, from `/proc/cpuinfo` (Linux x86-64 only).
    static func preferredCoreType() -> String? {
        #if os(Linux) && arch(x86_64)
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return nil }
        let flags = Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        return coreType(forFlags: flags)
        #else
        return nil
        #endif
    }

    /// `SkylakeX` when AVX-512 F/BW/DQ/VL are present, `Haswell` for AVX2 + FMA, otherwise `nil`
    /// (leave OpenBLAS's own detection alone).
    static func coreType(forFlags flags: Set<String>) -> String? {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }
}
