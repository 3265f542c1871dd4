import Foundation

/// The settings of a BERT WordPiece tokenizer, as read from a model directory's `tokenizer.json`
/// (normalizer and model sections) and `tokenizer_config.json` (`do_lower_case`, `strip_accents`,
/// `tokenize_chinese_chars`, `model_max_length`, special tokens).
public struct TokenizerConfiguration: Sendable, Equatable {
    /// Remove control characters and map every whitespace character to a space.
    public var cleanText: Bool = true
    /// Lower-case the text (`do_lower_case`).
    public var lowercase: Bool = true
    /// Strip accents (NFD, then drop non-spacing marks). `nil` follows ``lowercase``, as in Hugging Face.
    public var stripAccents: Bool? = nil
    /// Put spaces around CJK ideographs so each becomes its own word (`tokenize_chinese_chars`).
    public var tokenizeChineseChars: Bool = true
    /// Words longer than this many Unicode scalars become the unknown token.
    public var maxInputCharsPerWord: Int = 100
    /// Prefix marking a word piece that continues a word.
    public var continuingSubwordPrefix: String = "##"
    /// The unknown token.
    public var unknownToken: String = "[UNK]"
    /// The classification token put first.
    public var classToken: String = "[CLS]"
    /// The separator token put last.
    public var separatorToken: String = "[SEP]"
    /// The padding token.
    public var paddingToken: String = "[PAD]"
    /// The mask token.
    public var maskToken: String = "[MASK]"
    /// The model's own sequence-length limit (`model_max_length`), capped at 512.
    public var modelMaxLength: Int = 512
    /// The truncation length used when a call does not give one: 128, or less if the model allows less.
    public var defaultMaxLength: Int = 128

    /// The largest truncation length accepted.
    public static let maximumSupportedLength = 512

    /// Whether accents are stripped once `stripAccents == nil` is resolved.
    public var effectiveStripAccents: Bool { stripAccents ?? lowercase }

    /// Special tokens, which are matched verbatim in the raw text and never split.
    public var specialTokens: [String] {
        [paddingToken, unknownToken, classToken, separatorToken, maskToken]
    }

    /// Default settings (uncased BERT).
    public init() {}

    /// Reads the settings from the files present in `directory`; absent files leave defaults in place.
    /// `tokenizer_config.json` overrides `tokenizer.json` for the flags it states, as `transformers` does.
    /// - Throws: ``InferenceError/invalidConfiguration(reason:)`` when a present file is not valid JSON.
    public init(directory: URL) throws {
        let tokenizerJSON = directory.appendingPathComponent("tokenizer.json")
        if let object = try Self.readObject(tokenizerJSON) {
            if let normalizer = object["normalizer"] as? [String: Any],
               normalizer["type"] as? String == "BertNormalizer" {
                if let value = normalizer["clean_text"] as? Bool { cleanText = value }
                if let value = normalizer["handle_chinese_chars"] as? Bool { tokenizeChineseChars = value }
                if let value = normalizer["lowercase"] as? Bool { lowercase = value }
                if let value = normalizer["strip_accents"] as? Bool { stripAccents = value }
            }
            if let model = object["model"] as? [String: Any] {
                if let value = model["unk_token"] as? String { unknownToken = value }
                if let value = model["continuing_subword_prefix"] as? String { continuingSubwordPrefix = value }
                if let value = model["max_input_chars_per_word"] as? Int { maxInputCharsPerWord = value }
            }
        }
        let configJSON = directory.appendingPathComponent("tokenizer_config.json")
        if let object = try Self.readObject(configJSON) {
            if let value = object["do_lower_case"] as? Bool { lowercase = value }
            if object.keys.contains("strip_accents") { stripAccents = object["strip_accents"] as? Bool }
            if let value = object["tokenize_chinese_chars"] as? Bool { tokenizeChineseChars = value }
            if let value = Self.tokenString(object["unk_token"]) { unknownToken = value }
            if let value = Self.tokenString(object["cls_token"]) { classToken = value }
            if let value = Self.tokenString(object["sep_token"]) { separatorToken = value }
            if let value = Self.tokenString(object["pad_token"]) { paddingToken = value }
            if let value = Self.tokenString(object["mask_token"]) { maskToken = value }
            if let number = object["model_max_length"] as? NSNumber {
                // Unset limits are written as a huge sentinel (1e30); treat anything beyond 512 as 512.
                let value = number.doubleValue
                guard value >= 3 else {
                    throw InferenceError.invalidConfiguration(reason: "model_max_length \(value) is too small")
                }
                modelMaxLength = value >= Double(Self.maximumSupportedLength) ? Self.maximumSupportedLength : Int(value)
            }
        }
        defaultMaxLength = min(128, modelMaxLength)
    }

    private static func tokenString(_ value: Any?) -> String? {
        if let string = value as? String { return string }
        if let object = value as? [String: Any] { return object["content"] as? String }
        return nil
    }

    /// Reads a JSON object file, or returns `nil` when the file does not exist.
    static func readObject(_ url: URL) throws -> [String: Any]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let data = try Data(contentsOf: url)
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw InferenceError.invalidConfiguration(reason: "\(url.lastPathComponent) is not a JSON object")
            }
            return object
        } catch let error as InferenceError {
            throw error
        } catch {
            throw InferenceError.invalidConfiguration(reason: "\(url.lastPathComponent) is not valid JSON")
        }
    }
}
