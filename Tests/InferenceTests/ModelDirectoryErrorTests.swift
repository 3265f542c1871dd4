import Foundation
import Inference
import Testing

/// A broken model directory must produce a specific thrown error, never a crash.
@Suite("Corrupt model directories")
struct ModelDirectoryErrorTests {
    /// Copies `tiny-bert` into a temporary directory for mutilation.
    func copyOfTinyBert() throws -> URL {
        let directory = try temporaryDirectory().appendingPathComponent("model")
        try FileManager.default.copyItem(at: Fixtures.url("tiny-bert"), to: directory)
        return directory
    }

    /// Rewrites the safetensors header of `directory/model.safetensors` with `edit`, keeping the data bytes.
    func editHeader(_ directory: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = directory.appendingPathComponent("model.safetensors")
        let bytes = try [UInt8](Data(contentsOf: url))
        let length = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        var header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        edit(&header)
        try writeSafeTensors(header, data: Array(bytes[(8 + length)...]), to: url)
    }

    func load(_ directory: URL) throws -> TransformerEngine { try TransformerEngine(directory: directory) }

    @Test("missing directory, config.json, weights or vocabulary name the missing path")
    func missingFiles() throws {
        let directory = try copyOfTinyBert()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let absent = directory.appendingPathComponent("nope")
        #expect(throws: InferenceError.missingFile(path: absent.path)) { try load(absent) }

        try FileManager.default.removeItem(at: directory.appendingPathComponent("model.safetensors"))
        #expect(throws: InferenceError.missingFile(path: directory.appendingPathComponent("model.safetensors").path)) { try load(directory) }

        try FileManager.default.removeItem(at: directory.appendingPathComponent("vocab.txt"))
        try FileManager.default.removeItem(at: directory.appendingPathComponent("tokenizer.json"))
        #expect(throws: InferenceError.missingFile(path: directory.appendingPathComponent("vocab.txt").path)) { try load(directory) }

        try FileManager.default.removeItem(at: directory.appendingPathComponent("config.json"))
        #expect(throws: InferenceError.missingFile(path: directory.appendingPathComponent("config.json").path)) { try load(directory) }
    }

    @Test("invalid or unsupported config.json")
    func badConfiguration() throws {
        let directory = try copyOfTinyBert()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let config = directory.appendingPathComponent("config.json")
        try Data("{\"model_type\": \"bert\",".utf8).write(to: config)
        #expect(throws: InferenceError.invalidConfiguration(reason: "config.json is not valid JSON")) { try load(directory) }
        try Data(#"{"model_type": "gpt2"}"#.utf8).write(to: config)
        #expect(throws: InferenceError.unsupportedModel(reason: "model_type gpt2 (supported: bert, distilbert)")) { try load(directory) }
        try Data(#"{"model_type": "bert", "vocab_size": 1314}"#.utf8).write(to: config)
        #expect(throws: InferenceError.invalidConfiguration(reason: "config.json has no hidden_size")) { try load(directory) }
    }

    @Test("a config that disagrees with the weights reports the tensor and both shapes")
    func wrongShapes() throws {
        let directory = try copyOfTinyBert()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        let url = directory.appendingPathComponent("config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        config["hidden_size"] = 32
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        #expect(throws: InferenceError.shapeMismatch(name: "bert.embeddings.word_embeddings.weight", expected: [1314, 32], actual: [1314, 64])) {
            try load(directory)
        }
    }

    @Test("truncated weights, a missing tensor and an unsupported dtype")
    func badWeights() throws {
        let directory = try copyOfTinyBert()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        try editHeader(directory) { header in
            var entry = header["bert.encoder.layer.1.output.dense.weight"] as! [String: Any]
            entry["dtype"] = "I32"
            header["bert.encoder.layer.1.output.dense.weight"] = entry
        }
        #expect(throws: InferenceError.unsupportedDType(name: "bert.encoder.layer.1.output.dense.weight", dtype: "I32")) { try load(directory) }
        try editHeader(directory) { $0["bert.encoder.layer.0.attention.self.key.bias"] = nil }
        #expect(throws: InferenceError.missingTensor(name: "bert.encoder.layer.0.attention.self.key.bias")) { try load(directory) }

        let weights = directory.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: weights)
        try bytes.prefix(bytes.count / 2).write(to: weights)
        #expect {
            try load(directory)
        } throws: { error in
            guard case InferenceError.invalidSafetensors(let path, let reason) = error else { return false }
            return path == weights.path && reason.contains("lies outside")
        }
    }

    @Test("without classifier tensors the model embeds but refuses to classify")
    func noHead() throws {
        let directory = try copyOfTinyBert()
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        try editHeader(directory) { header in
            header["classifier.weight"] = nil
            header["classifier.bias"] = nil
        }
        let engine = try load(directory)
        #expect(!engine.hasClassificationHead && engine.labels.isEmpty)
        #expect(throws: InferenceError.noClassificationHead) { try engine.classify(["btc up"]) }
        #expect(try engine.embeddings(for: ["btc up"])[0].count == 64)
    }

    @Test("invalid token sequences are refused before any computation")
    func invalidInput() throws {
        let engine = try TransformerEngine(directory: Fixtures.url("tiny-distilbert"))
        #expect(throws: InferenceError.invalidInput(reason: "sequence 1 is empty")) { try engine.logits(tokenIDs: [[101, 102], []]) }
        #expect(throws: InferenceError.invalidInput(reason: "token id 5000 in sequence 0 is outside 0..<1314")) {
            try engine.logits(tokenIDs: [[101, 5000, 102]])
        }
        #expect(throws: InferenceError.invalidInput(reason: "sequence 0 has 129 tokens; the model accepts at most 128")) {
            try engine.embeddings(tokenIDs: [[Int](repeating: 7, count: 129)])
        }
        #expect(engine.maxLength == 128)
    }
}
