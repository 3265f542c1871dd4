import Foundation
import Inference
import Testing

/// Writes a safetensors file from a header dictionary and raw data bytes.
func writeSafeTensors(_ header: [String: Any], data: [UInt8], to url: URL) throws {
    let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
    bytes += json
    bytes += data
    try Data(bytes).write(to: url)
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("inference-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("safetensors reader")
struct SafeTensorsTests {
    @Test("F32, F16 and BF16 decode to the exact Float values")
    func dtypeDecoding() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // F32: 1.5, -2; F16: 1.0 (0x3C00), -2.5 (0xC100), 65504 (0x7BFF), smallest subnormal (0x0001), -0 (0x8000), inf (0x7C00)
        // BF16: 1.0 (0x3F80), -3.140625 (0xC049)
        var data: [UInt8] = []
        for value: Float in [1.5, -2] { data += withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        for bits: UInt16 in [0x3C00, 0xC100, 0x7BFF, 0x0001, 0x8000, 0x7C00] { data += withUnsafeBytes(of: bits.littleEndian) { Array($0) } }
        for bits: UInt16 in [0x3F80, 0xC049] { data += withUnsafeBytes(of: bits.littleEndian) { Array($0) } }
        data += [0, 0, 0, 0, 0, 0, 0, 0]  // one I64
        let url = directory.appendingPathComponent("t.safetensors")
        try writeSafeTensors([
            "a": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]],
            "h": ["dtype": "F16", "shape": [2, 3], "data_offsets": [8, 20]],
            "b": ["dtype": "BF16", "shape": [2], "data_offsets": [20, 24]],
            "i": ["dtype": "I64", "shape": [1], "data_offsets": [24, 32]],
            "__metadata__": ["format": "pt"],
        ], data: data, to: url)
        let file = try SafeTensorsFile(path: url.path)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors["h"]?.shape == [2, 3])
        #expect(try file.floats("a") == [1.5, -2])
        let half = try file.floats("h", shape: [2, 3])
        #expect(Array(half.prefix(3)) == [1, -2.5, 65504])
        #expect(half[3] == Float(bitPattern: 0x3380_0000))  // 2^-24
        #expect(half[4] == 0 && half[4].sign == .minus)
        #expect(half[5] == .infinity)
        #expect(try file.floats("b") == [1, -3.140625])
        #expect(throws: InferenceError.unsupportedDType(name: "i", dtype: "I64")) { try file.floats("i") }
        #expect(throws: InferenceError.missingTensor(name: "zz")) { try file.floats("zz") }
        #expect(throws: InferenceError.shapeMismatch(name: "h", expected: [3, 2], actual: [2, 3])) {
            try file.floats("h", shape: [3, 2])
        }
    }

    @Test("every 16-bit pattern converts like IEEE binary16 / bfloat16")
    func halfConversionExhaustive() {
        for bits in UInt16.min...UInt16.max {
            let value = HalfConversion.float(fromHalfBits: bits)
            #if !(os(macOS) && arch(x86_64))
            let reference = Float(Float16(bitPattern: bits))
            #expect(value.bitPattern == reference.bitPattern || (value.isNaN && reference.isNaN))
            #endif
            #expect(HalfConversion.float(fromBFloat16Bits: bits).bitPattern == UInt32(bits) << 16)
        }
    }

    @Test("the committed checkpoints carry the dtypes they claim")
    func fixtureDTypes() throws {
        let f16 = try SafeTensorsFile(path: Fixtures.url("tiny-bert-f16/model.safetensors").path)
        #expect(f16.tensors["classifier.weight"]?.dtype == "F16")
        let bf16 = try SafeTensorsFile(path: Fixtures.url("tiny-distilbert-bf16/model.safetensors").path)
        #expect(bf16.tensors["distilbert.embeddings.word_embeddings.weight"]?.dtype == "BF16")
        #expect(bf16.tensors["distilbert.embeddings.word_embeddings.weight"]?.shape == [1314, 32])
    }

    @Test("malformed files are rejected with a descriptive error, never a crash")
    func malformedFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bad.safetensors")

        #expect(throws: InferenceError.missingFile(path: url.path)) { try SafeTensorsFile(path: url.path) }

        try Data([1, 2, 3]).write(to: url)
        #expect(throws: InferenceError.invalidSafetensors(path: url.path, reason: "file is 3 bytes, shorter than the 8-byte header length")) {
            try SafeTensorsFile(path: url.path)
        }

        try Data(withUnsafeBytes(of: UInt64(1_000).littleEndian) { Array($0) } + Array("{}".utf8)).write(to: url)
        #expect(throws: InferenceError.invalidSafetensors(path: url.path, reason: "header length 1000 exceeds the file size 10")) {
            try SafeTensorsFile(path: url.path)
        }

        let garbage = Array("{not json".utf8)
        try Data(withUnsafeBytes(of: UInt64(garbage.count).littleEndian) { Array($0) } + garbage).write(to: url)
        #expect(throws: InferenceError.invalidSafetensors(path: url.path, reason: "header is not valid JSON")) {
            try SafeTensorsFile(path: url.path)
        }

        try writeSafeTensors(["w": ["dtype": "F32", "shape": [4], "data_offsets": [0, 16]]], data: [0, 0, 0, 0], to: url)
        #expect(throws: InferenceError.invalidSafetensors(path: url.path, reason: "tensor 'w' byte range 0..<16 lies outside the 4-byte data section")) {
            try SafeTensorsFile(path: url.path)
        }

        try writeSafeTensors(["w": ["dtype": "F32", "shape": [2], "data_offsets": [0, 4]]], data: [0, 0, 0, 0], to: url)
        #expect(throws: InferenceError.invalidSafetensors(path: url.path, reason: "tensor 'w' holds 4 bytes but shape [2] of F32 needs 8")) {
            try SafeTensorsFile(path: url.path)
        }

        try writeSafeTensors(["w": ["dtype": "F32", "shape": [1 << 30, 1 << 30, 1 << 30], "data_offsets": [0, 4]]], data: [0, 0, 0, 0], to: url)
        #expect(throws: InferenceError.invalidSafetensors(path: url.path, reason: "tensor 'w' shape [1073741824, 1073741824, 1073741824] is too large")) {
            try SafeTensorsFile(path: url.path)
        }

        try writeSafeTensors(["w": ["dtype": "F32", "shape": "x", "data_offsets": [0, 4]]], data: [0, 0, 0, 0], to: url)
        #expect(throws: InferenceError.invalidSafetensors(path: url.path, reason: "tensor 'w' has a malformed header entry")) {
            try SafeTensorsFile(path: url.path)
        }
    }
}
