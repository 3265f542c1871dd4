import Foundation
@testable import Inference
import InferenceKernels
import TestSupport
import Testing

/// `cdt_linear_accumulate` (Shared/InferenceKernels) against OpenBLAS `cblas_sgemm` on the shapes the encoder uses
/// and on odd ones (rows 1, 5, 23, 33, 160; widths that are not multiples of 16), with padded row strides.
@Suite("Small-matrix AVX-512 kernel vs cblas_sgemm")
struct SmallKernelTests {
    /// (rows, outputs, inputs).
    static let shapes: [(Int, Int, Int)] = [
        (1, 384, 384), (1, 3, 384), (1, 1, 1), (5, 1152, 384), (23, 1152, 384), (23, 384, 1536), (33, 1536, 384),
        (33, 384, 1536), (160, 384, 384), (1, 37, 45), (5, 70, 40), (23, 37, 45), (33, 13, 1543), (2, 9, 17), (3, 33, 15),
        (7, 100, 31),
    ]

    /// Deterministic pseudo-random values in [-1, 1] (or small integers when `integers`).
    static func values(_ count: Int, seed: UInt64, integers: Bool) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return integers ? Float(Int(state % 7) - 3) : Float(Double(state % 2_000_001) / 1_000_000 - 1)
        }
    }

    /// Runs one product both ways with padded strides (input row stride `in + 3`, output row stride `out + 5`) and
    /// returns (kernel, OpenBLAS, whether the padding was left untouched).
    static func both(rows: Int, outputs: Int, inputs: Int, integers: Bool) throws -> ([Float], [Float], Bool) {
        let blas = try OpenBLAS.shared.get()
        let lda = inputs + 3, ldc = outputs + 5
        let input = values(rows * lda, seed: UInt64(rows * 31 + inputs), integers: integers)
        let weight = values(outputs * inputs, seed: UInt64(outputs * 17 + inputs), integers: integers)
        let start = values(rows * ldc, seed: 99, integers: integers)  // bias/residual already in the output
        var kernel = start, reference = start
        input.withUnsafeBufferPointer { a in
            weight.withUnsafeBufferPointer { w in
                kernel.withUnsafeMutableBufferPointer { c in
                    cdt_linear_accumulate(a.baseAddress!, lda, w.baseAddress!, inputs, c.baseAddress!, ldc, rows, outputs, inputs)
                }
                reference.withUnsafeMutableBufferPointer { c in
                    Kernels.gemm(blas, m: rows, n: outputs, k: inputs, a: a.baseAddress!, lda: lda, b: w.baseAddress!, ldb: inputs,
                                 transposeB: true, c: c.baseAddress!, ldc: ldc, beta: 1)
                }
            }
        }
        var paddingKept = true
        for r in 0..<rows {
            for column in outputs..<ldc where kernel[r * ldc + column] != start[r * ldc + column] { paddingKept = false }
        }
        return (kernel, reference, paddingKept)
    }

    @Test("the kernel runs on this CPU when it has AVX-512F (the encoder then uses it for 3 to 160 rows)")
    func dispatch() throws {
        #if os(Linux) && arch(x86_64)
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") }.map { $0.split(separator: " ").map(String.init) } ?? []
        #expect(Kernels.smallKernelSupported == (flags.contains("avx512f") && flags.contains("avx512vl") && flags.contains("fma")))
        #endif
        #expect(Kernels.smallKernelRows == 3...160)
    }

    @Test("fp32 products equal cblas_sgemm's within rounding; strides respected", arguments: 0..<shapes.count)
    func matchesBLAS(shape: Int) async throws {
        try await HeavyWork.run {
            try #require(Kernels.smallKernelSupported, "needs AVX-512F")
            let (rows, outputs, inputs) = Self.shapes[shape]
            let (kernel, reference, paddingKept) = try Self.both(rows: rows, outputs: outputs, inputs: inputs, integers: false)
            #expect(paddingKept)
            // Both sum `inputs` products of values in [-1, 1]; only the order of the additions differs.
            let tolerance = Float(inputs).squareRoot() * 4e-6 + 1e-6
            #expect(maxAbsDiff(kernel, reference) <= tolerance, "\(rows)×\(outputs)×\(inputs): \(maxAbsDiff(kernel, reference))")
        }
    }

    @Test("exactly representable sums are bit-identical to cblas_sgemm's", arguments: 0..<shapes.count)
    func exactOnIntegers(shape: Int) async throws {
        try await HeavyWork.run {
            try #require(Kernels.smallKernelSupported, "needs AVX-512F")
            let (rows, outputs, inputs) = Self.shapes[shape]
            let (kernel, reference, paddingKept) = try Self.both(rows: rows, outputs: outputs, inputs: inputs, integers: true)
            #expect(paddingKept)
            #expect(kernel == reference)
        }
    }

    @Test("Kernels.linear (kernel below the crossover, OpenBLAS above) equals a plain loop on both sides of it",
          arguments: [1, 2, 3, 23, 160, 161, 200])
    func linearAcrossCrossover(rows: Int) async throws {
        try await HeavyWork.run {
            let blas = try OpenBLAS.shared.get()
            let inputs = 40, outputs = 21
            let input = Self.values(rows * inputs, seed: 5, integers: true)
            let weight = Self.values(outputs * inputs, seed: 6, integers: true)
            var output = [Float](repeating: 1, count: rows * outputs)
            output.withUnsafeMutableBufferPointer { out in
                Kernels.linear(blas, input: input, rows: rows, inputWidth: inputs, weight: weight, outputWidth: outputs, output: out.baseAddress!)
            }
            var expected = [Float](repeating: 1, count: rows * outputs)
            for r in 0..<rows {
                for o in 0..<outputs {
                    for i in 0..<inputs { expected[r * outputs + o] += input[r * inputs + i] * weight[o * inputs + i] }
                }
            }
            #expect(output == expected)
        }
    }

    @Test("the two-thread column split is bit-identical to one call of the kernel (the encoder's shapes and odd widths)",
          arguments: [(23, 1152, 384), (23, 384, 1536), (5, 1536, 384), (3, 64, 1543), (33, 100, 384), (160, 385, 384)])
    func splitMatchesOneCall(shape: (Int, Int, Int)) async throws {
        try await HeavyWork.run {
            guard Kernels.smallKernelSupported else { return }
            let (rows, outputs, inputs) = shape
            let ldc = outputs + 5
            let input = Self.values(rows * inputs, seed: UInt64(rows + inputs), integers: false)
            let weight = Self.values(outputs * inputs, seed: UInt64(outputs * 3 + inputs), integers: false)
            let start = Self.values(rows * ldc, seed: 7, integers: false)
            var single = start, split = start
            input.withUnsafeBufferPointer { a in
                weight.withUnsafeBufferPointer { w in
                    single.withUnsafeMutableBufferPointer { c in
                        cdt_linear_accumulate(a.baseAddress!, inputs, w.baseAddress!, inputs, c.baseAddress!, ldc, rows, outputs, inputs)
                    }
                    split.withUnsafeMutableBufferPointer { c in
                        Kernels.linearSplit(input: a.baseAddress!, rows: rows, inputWidth: inputs, weight: w.baseAddress!,
                                            outputWidth: outputs, output: c.baseAddress!, outputStride: ldc)
                    }
                }
            }
            #expect(split == single, "\(shape)")
            #expect(split != start, "the product changed the output")
        }
    }

    @Test("the AVX-512 GELU equals the Swift erf form within float rounding, tails of every length included",
          arguments: [1, 15, 16, 17, 1_000, 35_328])
    func geluMatchesSwift(count: Int) throws {
        guard Kernels.smallKernelSupported else { return }
        let values = (0..<count).map { Float(-6 + 12 * Double($0) / Double(max(1, count - 1))) }
        var vector = values
        vector.withUnsafeMutableBufferPointer { cdt_gelu_erf($0.baseAddress!, count) }
        var worst: Float = 0
        for (x, y) in zip(values, vector) {
            let reference = 0.5 * x * (1 + Kernels.erf(x * 0.70710678118654752440))
            worst = max(worst, abs(y - reference))
        }
        #expect(worst <= 2e-6, "max |Δ| = \(worst)")
        #expect(abs(vector.first!) < 1e-6, "GELU(-6) ≈ 0")
        if count > 1 { #expect(vector.last! > 5.99, "GELU(6) ≈ 6") }
    }
}
