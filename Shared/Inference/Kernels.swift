import CBLAS
import Foundation
import InferenceKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The numeric building blocks of the encoder, over raw row-major buffers.
///
/// Matrix products go through OpenBLAS `cblas_sgemm`, except dense layers over few rows on AVX-512 CPUs
/// (`cdt_linear_accumulate`, measured faster there); bias, residual and activation loops are fused so each
/// activation buffer is swept as few times as possible.
enum Kernels {
    /// `C[m×n] = alpha · A[m×k] · B[k×n] + beta · C`, all row-major with the given leading dimensions.
    @inline(__always)
    static func gemm(
        _ blas: OpenBLAS, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        alpha: Float = 1, beta: Float = 0
    ) {
        blas.sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Whether `cdt_linear_accumulate` (Shared/InferenceKernels, AVX-512) can run on this CPU.
    static let smallKernelSupported = cdt_small_gemm_supported() != 0

    /// Dense layers over `smallKernelRows` rows use `cdt_linear_accumulate`; others, OpenBLAS. Measured on this
    /// project's Xeon (docs/BENCHMARKS.md, "Sentiment"): from 33 to 160 rows the kernel is 1.1–1.8× faster than
    /// OpenBLAS (which switches to packing the weights there); around 23 rows with cache-hot weights it is
    /// 0.7–1.3×, but in the encoder, where each layer's weights arrive from L3/DRAM, the kernel with its prefetch is
    /// faster (23-token headline 6.1 → 5.2 ms median, same conditions); for 1–2 rows OpenBLAS's small-matrix kernel
    /// streams the weights faster (the kernel is 0.6–0.8×), and from 192 rows on OpenBLAS is up to 20 % faster.
    static let smallKernelRows = 3...160

    /// A dense layer over row-major activations: `output[rows × out] += input[rows × in] · weightᵀ`, where
    /// `weight` is `[out, in]` (PyTorch's layout), `output` already holds the bias (and any residual) and its rows are
    /// `outputStride` floats apart (default: `outputWidth`).
    ///
    /// For ``smallKernelRows`` rows on an AVX-512 CPU this runs the hand-written kernel; otherwise OpenBLAS
    /// (``linearBLAS(_:input:rows:inputWidth:weight:outputWidth:output:outputStride:)``).
    @inline(__always)
    static func linear(
        _ blas: OpenBLAS, input: UnsafePointer<Float>, rows: Int, inputWidth: Int,
        weight: UnsafePointer<Float>, outputWidth: Int, output: UnsafeMutablePointer<Float>, outputStride: Int? = nil
    ) {
        if smallKernelSupported && smallKernelRows.contains(rows) {
            let ldc = outputStride ?? outputWidth
            if rows * outputWidth * inputWidth >= splitMinimumWork && outputWidth >= 64 && blas.threadCount() >= 2 {
                linearSplit(input: input, rows: rows, inputWidth: inputWidth, weight: weight, outputWidth: outputWidth,
                            output: output, outputStride: ldc)
            } else {
                cdt_linear_accumulate(input, inputWidth, weight, inputWidth, output, ldc, rows, outputWidth, inputWidth)
            }
        } else {
            linearBLAS(blas, input: input, rows: rows, inputWidth: inputWidth, weight: weight, outputWidth: outputWidth,
                       output: output, outputStride: outputStride)
        }
    }

    /// Products of at least this many multiply-adds are split over two threads when OpenBLAS is set to two or more.
    /// A single headline's dense layers (23 × 384 × 384 and up) are 10⁵–10⁶× the cost of the split's hand-off.
    static let splitMinimumWork = 1 << 20

    /// The small-matrix kernel on two threads at once (`DispatchQueue.concurrentPerform`), for the engine's thread
    /// count ≥ 2: both take blocks of 64 output columns from a shared counter (`cdt_linear_accumulate_shared`) until
    /// none is left, so when one core is slower — a busy hyperthread sibling on a shared VM — it simply takes fewer
    /// blocks, where a fixed half each would wait for the slow one. Each output element is computed by exactly the
    /// same instructions as in one call, and the result is bit-identical to the single-threaded product.
    static func linearSplit(
        input: UnsafePointer<Float>, rows: Int, inputWidth: Int,
        weight: UnsafePointer<Float>, outputWidth: Int, output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        counter.initialize(to: 0)
        defer { counter.deallocate() }
        // Addresses cross into the concurrentPerform closure as integers (raw pointers are not Sendable); the two
        // threads write disjoint blocks of `output`'s columns (each block index is taken once, atomically), only read
        // `input` and `weight`, and concurrentPerform returns after both finished, so no access outlives this call or
        // overlaps a write.
        let inputAddress = UInt(bitPattern: input), weightAddress = UInt(bitPattern: weight)
        let outputAddress = UInt(bitPattern: output), counterAddress = UInt(bitPattern: counter)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            cdt_linear_accumulate_shared(UnsafePointer<Float>(bitPattern: inputAddress)!, inputWidth,
                                         UnsafePointer<Float>(bitPattern: weightAddress)!, inputWidth,
                                         UnsafeMutablePointer<Float>(bitPattern: outputAddress)!, outputStride,
                                         rows, outputWidth, inputWidth, UnsafeMutablePointer<Int>(bitPattern: counterAddress)!, 2)
        }
    }

    /// ``linear(_:input:rows:inputWidth:weight:outputWidth:output:outputStride:)`` through OpenBLAS `cblas_sgemm`.
    ///
    /// For a few rows, one big product is dominated by OpenBLAS packing the whole weight matrix; splitting
    /// the outputs into narrow column blocks keeps each product under OpenBLAS's small-matrix threshold
    /// (M·N·K ≤ 10⁶), where its unpacked kernels run directly on the weights.
    static func linearBLAS(
        _ blas: OpenBLAS, input: UnsafePointer<Float>, rows: Int, inputWidth: Int,
        weight: UnsafePointer<Float>, outputWidth: Int, output: UnsafeMutablePointer<Float>, outputStride: Int? = nil
    ) {
        let ldc = outputStride ?? outputWidth
        let block = rows * 32 * inputWidth <= 1_000_000 ? 32 : 16
        if rows * block * inputWidth <= 1_000_000 {
            var column = 0
            while column < outputWidth {
                let width = min(block, outputWidth - column)
                gemm(blas, m: rows, n: width, k: inputWidth, a: input, lda: inputWidth,
                     b: weight + column * inputWidth, ldb: inputWidth, transposeB: true,
                     c: output + column, ldc: ldc, beta: 1)
                column += width
            }
        } else {
            gemm(blas, m: rows, n: outputWidth, k: inputWidth, a: input, lda: inputWidth,
                 b: weight, ldb: inputWidth, transposeB: true, c: output, ldc: ldc, beta: 1)
        }
    }

    /// Fills each of `rows` rows of `destination` (width `width`) with `bias`.
    @inline(__always)
    static func broadcastRows(_ bias: UnsafePointer<Float>, rows: Int, width: Int, into destination: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            (destination + r * width).update(from: bias, count: width)
        }
    }

    /// `destination[r] = source[r] + bias` for every row (residual plus bias, ready for a `beta = 1` GEMM).
    @inline(__always)
    static func addBiasRows(
        _ source: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows: Int, width: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let s = source + r * width
            let d = destination + r * width
            for i in 0..<width { d[i] = s[i] + bias[i] }
        }
    }

    /// LayerNorm of each row of `source` into `destination` (which may alias it): `(x − μ)/√(σ² + ε)·γ + β`,
    /// with the biased variance, as PyTorch computes it. The two row sums are taken 16 lanes at a time (a scalar
    /// float sum cannot be vectorised: it would fix one addition order, 384 dependent additions per row).
    static func layerNorm(
        _ source: UnsafePointer<Float>, rows: Int, width: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float,
        into destination: UnsafeMutablePointer<Float>
    ) {
        let n = Float(width)
        for r in 0..<rows {
            let s = source + r * width
            let d = destination + r * width
            let mean = sum(s, count: width) / n
            let inverse = 1 / (squaredDeviations(s, count: width, mean: mean) / n + epsilon).squareRoot()
            for i in 0..<width { d[i] = (s[i] - mean) * inverse * gamma[i] + beta[i] }
        }
    }

    /// `Σ x[i]`, accumulated in 16 lanes (then the lanes, then a scalar tail).
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        let raw = UnsafeRawPointer(x)
        var lanes = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= count {
            lanes += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var total = lanes.sum()
        while i < count {
            total += x[i]
            i += 1
        }
        return total
    }

    /// `Σ (x[i] − mean)²`, accumulated like ``sum(_:count:)``.
    @inline(__always)
    static func squaredDeviations(_ x: UnsafePointer<Float>, count: Int, mean: Float) -> Float {
        let raw = UnsafeRawPointer(x)
        let centre = SIMD16<Float>(repeating: mean)
        var lanes = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= count {
            let centred = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - centre
            lanes += centred * centred
            i += 16
        }
        var total = lanes.sum()
        while i < count {
            let centred = x[i] - mean
            total += centred * centred
            i += 1
        }
        return total
    }

    /// Applies `activation` in place to `count` values.
    static func activate(_ values: UnsafeMutablePointer<Float>, count: Int, activation: Activation) {
        switch activation {
        case .gelu:
            // Exact (erf-based) GELU, x·½(1 + erf(x/√2)); erf by a branch-free rational function that the
            // compiler vectorises (see `erf(_:)`), several times faster than calling `erff` per element. On AVX-512
            // CPUs the same function runs 16 lanes wide in C (`cdt_gelu_erf`; Swift here targets baseline x86-64).
            if smallKernelSupported {
                cdt_gelu_erf(values, count)
                return
            }
            let inverseRoot2: Float = 0.70710678118654752440
            for i in 0..<count {
                let x = values[i]
                values[i] = 0.5 * x * (1 + erf(x * inverseRoot2))
            }
        case .geluTanh:
            let root2OverPi: Float = 0.79788456080286535588
            for i in 0..<count {
                let x = values[i]
                values[i] = 0.5 * x * (1 + tanhf(root2OverPi * (x + 0.044715 * x * x * x)))
            }
        case .relu:
            for i in 0..<count where values[i] < 0 { values[i] = 0 }
        }
    }

    /// The error function for `Float`: the rational approximation used by Eigen and XLA
    /// (odd degree-13 numerator over even degree-8 denominator, input clamped to ±4 where erf is ±1 in
    /// single precision). Its largest deviation from the true erf is 4.5e-7 (at |x| ≈ 3.2), a few float ULPs,
    /// against ~1e-3 for the tanh approximation of GELU.
    @inline(__always)
    static func erf(_ value: Float) -> Float {
        let x = value < -4 ? -4 : (value > 4 ? 4 : value)
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q: Float = -1.45660718464996e-05
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return x * p / q
    }

    /// Scaled dot-product attention of one sequence, every head (head h's columns are `h·headSize ..< (h+1)·headSize`):
    /// for each of `queryRows` query rows, `softmax(scale · q · Kᵀ) · V` over the `length` key and value rows into
    /// `context`. On AVX-512 CPUs one `cdt_attention` call (`scratch`: `cdt_attention_scratch_floats` floats, 64-byte
    /// aligned); otherwise per head through `cblas_sgemm` and ``softmaxRows(_:rows:width:)`` (`scratch`:
    /// `queryRows × length` floats).
    static func attention(
        _ blas: OpenBLAS, query: UnsafePointer<Float>, ldq: Int, queryRows: Int,
        keys: UnsafePointer<Float>, values: UnsafePointer<Float>, ldkv: Int, length: Int,
        heads: Int, headSize: Int, scale: Float, context: UnsafeMutablePointer<Float>, ldc: Int,
        scratch: UnsafeMutablePointer<Float>
    ) {
        if smallKernelSupported {
            cdt_attention(query, ldq, queryRows, keys, values, ldkv, length, heads, headSize, scale, context, ldc, scratch)
            return
        }
        for head in 0..<heads {
            let offset = head * headSize
            gemm(blas, m: queryRows, n: length, k: headSize, a: query + offset, lda: ldq, b: keys + offset, ldb: ldkv,
                 transposeB: true, c: scratch, ldc: length, alpha: scale)
            softmaxRows(scratch, rows: queryRows, width: length)
            gemm(blas, m: queryRows, n: headSize, k: length, a: scratch, lda: length, b: values + offset, ldb: ldkv,
                 c: context + offset, ldc: ldc)
        }
    }

    /// Softmax of each of `rows` rows in place (max-subtracted for stability).
    static func softmaxRows(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        for r in 0..<rows {
            let row = values + r * width
            var maximum = row[0]
            for i in 1..<width where row[i] > maximum { maximum = row[i] }
            var sum: Float = 0
            for i in 0..<width {
                let e = expf(row[i] - maximum)
                row[i] = e
                sum += e
            }
            let inverse = 1 / sum
            for i in 0..<width { row[i] *= inverse }
        }
    }
}
