import Foundation
@testable import Inference
import InferenceKernels
import TestSupport
import Testing

/// `cdt_attention` (Shared/InferenceKernels) against the OpenBLAS composition the encoder uses without AVX-512:
/// per head, `cblas_sgemm` scores, `Kernels.softmaxRows` (scalar `expf`) and a `cblas_sgemm` weighted sum.
@Suite("Attention AVX-512 kernel vs cblas_sgemm + softmax")
struct AttentionKernelTests {
    /// (length, heads, headSize, all query rows or only the first).
    static let shapes: [(Int, Int, Int, Bool)] = [
        (23, 12, 32, true), (23, 12, 32, false), (1, 12, 32, true), (16, 2, 32, true), (17, 3, 64, true),
        (128, 12, 32, true), (40, 2, 8, true), (5, 4, 24, false), (200, 1, 48, true), (33, 2, 70, true),
    ]

    /// Runs one sequence's attention both ways over a packed `[length × 3·hidden]` Q|K|V matrix and returns
    /// (kernel, reference) contexts `[queryRows × (hidden + 3)]`.
    static func both(length: Int, heads: Int, headSize: Int, allRows: Bool, spread: Float) throws -> ([Float], [Float]) {
        let blas = try OpenBLAS.shared.get()
        let hidden = heads * headSize, ld = 3 * hidden, ldc = hidden + 3
        let queryRows = allRows ? length : 1
        let qkv = SmallKernelTests.values(length * ld, seed: UInt64(length * 7 + heads * 3 + headSize), integers: false)
            .map { $0 * spread }
        let scale = 1 / Float(headSize).squareRoot()
        var kernel = [Float](repeating: 7, count: queryRows * ldc), reference = kernel
        let scratch = AlignedFloats(count: max(length * length, cdt_attention_scratch_floats(length, headSize)))
        qkv.withUnsafeBufferPointer { buffer in
            let q = buffer.baseAddress!
            kernel.withUnsafeMutableBufferPointer { out in
                cdt_attention(q, ld, queryRows, q + hidden, q + 2 * hidden, ld, length, heads, headSize, scale,
                              out.baseAddress!, ldc, scratch.base)
            }
            reference.withUnsafeMutableBufferPointer { out in
                for head in 0..<heads {
                    let offset = head * headSize
                    Kernels.gemm(blas, m: queryRows, n: length, k: headSize, a: q + offset, lda: ld, b: q + hidden + offset, ldb: ld,
                                 transposeB: true, c: scratch.base, ldc: length, alpha: scale)
                    Kernels.softmaxRows(scratch.base, rows: queryRows, width: length)
                    Kernels.gemm(blas, m: queryRows, n: headSize, k: length, a: scratch.base, lda: length,
                                 b: q + 2 * hidden + offset, ldb: ld, c: out.baseAddress! + offset, ldc: ldc)
                }
            }
        }
        return (kernel, reference)
    }

    @Test("equals the OpenBLAS + softmax composition within float rounding; padding columns untouched",
          arguments: 0..<shapes.count)
    func matchesReference(shape: Int) async throws {
        try await HeavyWork.run {
            try #require(Kernels.smallKernelSupported, "needs AVX-512F")
            let (length, heads, headSize, allRows) = Self.shapes[shape]
            // Spread 1: scores of order 1 (flat softmax); spread 4: scores up to ≈ 16·√headSize (peaked softmax,
            // exponents down to the underflow range).
            for spread: Float in [1, 4] {
                let (kernel, reference) = try Self.both(length: length, heads: heads, headSize: headSize, allRows: allRows, spread: spread)
                let hidden = heads * headSize, ldc = hidden + 3
                var worst: Float = 0
                for row in 0..<(allRows ? length : 1) {
                    for column in 0..<hidden { worst = max(worst, abs(kernel[row * ldc + column] - reference[row * ldc + column])) }
                    for column in hidden..<ldc { #expect(kernel[row * ldc + column] == 7, "padding written at \(row), \(column)") }
                }
                // Contexts are convex combinations of values in [-spread, spread]: a few float ULPs of `spread`
                // (the scores' rounding differs with the summation order, and exp amplifies it into the weights).
                #expect(worst <= 4e-6 * spread, "\(Self.shapes[shape]) spread \(spread): max |Δ| = \(worst)")
            }
        }
    }

    @Test("one key: the context is that key's value row, whatever the score")
    func singleKey() throws {
        try #require(Kernels.smallKernelSupported, "needs AVX-512F")
        let headSize = 32, hidden = 2 * headSize
        let qkv = (0..<(3 * hidden)).map { Float($0) - 50 }
        var context = [Float](repeating: 0, count: hidden)
        let scratch = AlignedFloats(count: cdt_attention_scratch_floats(1, headSize))
        qkv.withUnsafeBufferPointer { q in
            context.withUnsafeMutableBufferPointer { out in
                cdt_attention(q.baseAddress!, 3 * hidden, 1, q.baseAddress! + hidden, q.baseAddress! + 2 * hidden, 3 * hidden,
                              1, 2, headSize, 0.17, out.baseAddress!, hidden, scratch.base)
            }
        }
        #expect(context == Array(qkv[(2 * hidden)...]))
    }
}
