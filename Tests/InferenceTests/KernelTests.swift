import Foundation
@testable import Inference
import TestSupport
import Testing

/// The numeric kernels and the OpenBLAS loader.
@Suite("Kernels and OpenBLAS")
struct KernelTests {
    @Test("the vectorisable erf stays within 5e-7 of libm's erff over [-6, 6]")
    func erfAccuracy() {
        var worst: Float = 0
        var x: Float = -6
        while x <= 6 {
            worst = max(worst, abs(Kernels.erf(x) - erff(x)))
            x += 0.0005
        }
        #expect(worst < 5e-7, "max |erf − erff| = \(worst)")
        #expect(Kernels.erf(0) == 0 && Kernels.erf(10) == erff(4) && Kernels.erf(-10) == -Kernels.erf(10))
    }

    @Test("GELU is the erf form, not the tanh approximation")
    func geluIsExact() {
        var values: [Float] = [-3, -1, -0.5, 0, 0.5, 1, 3]
        let expected = values.map { 0.5 * $0 * (1 + erff($0 / Float(2).squareRoot())) }
        values.withUnsafeMutableBufferPointer { Kernels.activate($0.baseAddress!, count: $0.count, activation: .gelu) }
        #expect(maxAbsDiff(values, expected) < 1e-6)  // ½·|x|·(erf error ≤ 4.5e-7)
        #expect(abs(values[5] - 0.8413447) < 1e-6)  // GELU(1) = Φ(1) = 0.8413447…; tanh form gives 0.8411920
    }

    @Test("LayerNorm uses the biased variance and epsilon, as PyTorch does")
    func layerNorm() {
        var row: [Float] = [1, 2, 3, 4]
        let gamma: [Float] = [1, 1, 2, 2], beta: [Float] = [0, 0, 0, 1]
        row.withUnsafeMutableBufferPointer { r in
            Kernels.layerNorm(r.baseAddress!, rows: 1, width: 4, gamma: gamma, beta: beta, epsilon: 1e-12, into: r.baseAddress!)
        }
        let s: Float = 1 / Float(1.25).squareRoot()  // variance of 1...4 is 1.25
        #expect(maxAbsDiff(row, [-1.5 * s, -0.5 * s, 2 * 0.5 * s, 2 * 1.5 * s + 1]) < 1e-6)
    }

    @Test("the OpenBLAS core type follows the CPU's vector extensions")
    func coreTypeSelection() {
        #expect(OpenBLAS.coreType(forFlags: ["sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]) == "SkylakeX")
        #expect(OpenBLAS.coreType(forFlags: ["sse2", "avx", "avx2", "fma", "avx512f"]) == "Haswell")
        #expect(OpenBLAS.coreType(forFlags: ["sse2", "sse3"]) == nil)
    }

    @Test("OpenBLAS loads, reports its kernels and takes a process-wide thread count")
    func openBLASLoads() throws {
        let core = try TransformerEngine.blasCoreName()
        #expect(!core.isEmpty && core != "unknown")
        #if os(Linux) && arch(x86_64)
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, let preferred = OpenBLAS.preferredCoreType() {
            #expect(core.lowercased() == preferred.lowercased(), "OpenBLAS chose \(core), expected \(preferred)")
        }
        #endif
        let before = try TransformerEngine.threadCount()
        try TransformerEngine.setThreadCount(1)
        #expect(try TransformerEngine.threadCount() == 1)
        try TransformerEngine.setThreadCount(before)
    }

    @Test("a blocked small product equals one big product")
    func linearBlocking() async throws {
        try await HeavyWork.run {
            let blas = try OpenBLAS.shared.get()
            let rows = 3, inputWidth = 40, outputWidth = 70
            let input = (0..<(rows * inputWidth)).map { Float($0 % 7) - 3 }
            let weight = (0..<(outputWidth * inputWidth)).map { Float($0 % 5) - 2 }
            var output = [Float](repeating: 1, count: rows * outputWidth)
            output.withUnsafeMutableBufferPointer { out in
                Kernels.linear(blas, input: input, rows: rows, inputWidth: inputWidth, weight: weight,
                               outputWidth: outputWidth, output: out.baseAddress!)
            }
            var expected = [Float](repeating: 1, count: rows * outputWidth)
            for r in 0..<rows {
                for o in 0..<outputWidth {
                    for i in 0..<inputWidth { expected[r * outputWidth + o] += input[r * inputWidth + i] * weight[o * inputWidth + i] }
                }
            }
            #expect(output == expected)
        }
    }

    @Test("LayerNorm's 16-lane sums agree with a double-precision reference on wide and odd widths")
    func layerNormWide() {
        for width in [384, 1536, 37, 16, 1] {
            let row = (0..<width).map { Float(sin(Double($0) * 0.37) * 3 + 0.5) }
            let gamma = (0..<width).map { Float(1 + 0.01 * Double($0 % 7)) }, beta = (0..<width).map { Float($0 % 3) * 0.1 }
            var out = [Float](repeating: 0, count: width)
            row.withUnsafeBufferPointer { r in
                out.withUnsafeMutableBufferPointer { o in
                    Kernels.layerNorm(r.baseAddress!, rows: 1, width: width, gamma: gamma, beta: beta, epsilon: 1e-12, into: o.baseAddress!)
                }
            }
            let mean = row.reduce(0.0) { $0 + Double($1) } / Double(width)
            let variance = row.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(width)
            let expected = (0..<width).map { Float((Double(row[$0]) - mean) / (variance + 1e-12).squareRoot() * Double(gamma[$0]) + Double(beta[$0])) }
            #expect(maxAbsDiff(out, expected) < 2e-5, "width \(width): \(maxAbsDiff(out, expected))")
            #expect(abs(Kernels.sum(row, count: width) - Float(mean * Double(width))) < 1e-3)
        }
    }
}
