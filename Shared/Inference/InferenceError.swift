import Foundation

/// Everything that can go wrong while loading or running a model, with enough detail to act on.
///
/// Loading never crashes on a bad model directory: a missing file, a truncated or malformed safetensors
/// header, a tensor of the wrong shape or an unsupported dtype each surface as one of these cases.
public enum InferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file the model needs is not in the model directory.
    case missingFile(path: String)
    /// A file exists but could not be read (permissions, I/O error, or not a regular file).
    case unreadableFile(path: String, reason: String)
    /// A safetensors file is malformed (bad header length, invalid JSON, offsets outside the data).
    case invalidSafetensors(path: String, reason: String)
    /// A tensor the architecture needs is not in the weights file.
    case missingTensor(name: String)
    /// A tensor has a different shape than the configuration implies.
    case shapeMismatch(name: String, expected: [Int], actual: [Int])
    /// A tensor is stored in a dtype this engine does not decode (only F32, F16 and BF16 are supported).
    case unsupportedDType(name: String, dtype: String)
    /// `config.json` or a tokenizer configuration is missing a field or holds an invalid value.
    case invalidConfiguration(reason: String)
    /// The configuration names an architecture or activation this engine does not implement.
    case unsupportedModel(reason: String)
    /// `vocab.txt` is empty or lacks a token the tokenizer needs (such as `[UNK]`).
    case invalidVocabulary(reason: String)
    /// A caller-supplied input cannot be run (empty token sequence, id outside the vocabulary, too long).
    case invalidInput(reason: String)
    /// The model has no classification head but a classification was requested.
    case noClassificationHead
    /// OpenBLAS could not be loaded.
    case blasUnavailable(reason: String)

    /// A one-line human-readable explanation.
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "model file not found: \(path)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidSafetensors(let path, let reason):
            return "invalid safetensors file \(path): \(reason)"
        case .missingTensor(let name):
            return "tensor '\(name)' is missing from the weights"
        case .shapeMismatch(let name, let expected, let actual):
            return "tensor '\(name)' has shape \(actual), expected \(expected)"
        case .unsupportedDType(let name, let dtype):
            return "tensor '\(name)' has unsupported dtype \(dtype) (supported: F32, F16, BF16)"
        case .invalidConfiguration(let reason):
            return "invalid model configuration: \(reason)"
        case .unsupportedModel(let reason):
            return "unsupported model: \(reason)"
        case .invalidVocabulary(let reason):
            return "invalid vocabulary: \(reason)"
        case .invalidInput(let reason):
            return "invalid input: \(reason)"
        case .noClassificationHead:
            return "the model has no sequence-classification head"
        case .blasUnavailable(let reason):
            return "OpenBLAS unavailable: \(reason)"
        }
    }
}
