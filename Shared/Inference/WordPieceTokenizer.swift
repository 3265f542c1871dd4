import Foundation

/// A BERT WordPiece tokenizer equal to Hugging Face's `BertTokenizerFast` for single-segment inputs.
///
/// Special tokens written literally in the text (e.g. `[MASK]`) are kept whole, as the fast tokenizer's
/// added-vocabulary pass does; the rest goes through ``BasicTokenizer`` and a greedy longest-match-first
/// WordPiece model, where a word with no complete segmentation (or longer than
/// ``TokenizerConfiguration/maxInputCharsPerWord``) becomes `[UNK]`.
///
/// The type is an immutable value and is safe to share across tasks.
public struct WordPieceTokenizer: Sendable {
    /// The vocabulary.
    public let vocabulary: Vocabulary
    /// The settings.
    public let configuration: TokenizerConfiguration
    private let basic: BasicTokenizer
    private let unknownID: Int
    /// Id of the classification token.
    public let classID: Int
    /// Id of the separator token.
    public let separatorID: Int
    /// Id of the padding token.
    public let paddingID: Int
    private let specials: [(bytes: [UInt8], token: String, id: Int)]
    private let prefixBytes: [UInt8]

    /// Builds a tokenizer from a vocabulary and settings.
    /// - Throws: ``InferenceError/invalidVocabulary(reason:)`` when a special token is not in the vocabulary.
    public init(vocabulary: Vocabulary, configuration: TokenizerConfiguration = TokenizerConfiguration()) throws {
        func require(_ token: String) throws -> Int {
            guard let id = vocabulary.id(for: token) else {
                throw InferenceError.invalidVocabulary(reason: "special token \(token) is not in the vocabulary")
            }
            return id
        }
        self.vocabulary = vocabulary
        self.configuration = configuration
        self.basic = BasicTokenizer(configuration: configuration)
        self.unknownID = try require(configuration.unknownToken)
        self.classID = try require(configuration.classToken)
        self.separatorID = try require(configuration.separatorToken)
        self.paddingID = try require(configuration.paddingToken)
        var specials: [(bytes: [UInt8], token: String, id: Int)] = []
        for token in configuration.specialTokens {
            if let id = vocabulary.id(for: token), !specials.contains(where: { $0.token == token }) {
                specials.append((Array(token.utf8), token, id))
            }
        }
        self.specials = specials
        self.prefixBytes = Array(configuration.continuingSubwordPrefix.utf8)
    }

    /// Loads `vocab.txt` (or, failing that, the vocabulary inside `tokenizer.json`) and the tokenizer
    /// settings from a Hugging Face model directory.
    /// - Throws: ``InferenceError`` describing the missing or invalid file.
    public init(directory: URL) throws {
        let configuration = try TokenizerConfiguration(directory: directory)
        let vocabURL = directory.appendingPathComponent("vocab.txt")
        let vocabulary: Vocabulary
        if FileManager.default.fileExists(atPath: vocabURL.path) {
            vocabulary = try Vocabulary(contentsOf: vocabURL)
        } else if let object = try TokenizerConfiguration.readObject(directory.appendingPathComponent("tokenizer.json")),
                  let model = object["model"] as? [String: Any], let vocab = model["vocab"] as? [String: Int] {
            vocabulary = try Vocabulary(idsByToken: vocab)
        } else {
            throw InferenceError.missingFile(path: vocabURL.path)
        }
        try self.init(vocabulary: vocabulary, configuration: configuration)
    }

    /// Splits `text` into word pieces (no special tokens added, no truncation), returning their ids.
    public func pieceIDs(_ text: String) -> [Int] {
        var ids: [Int] = []
        for segment in splitOnSpecialTokens(text) {
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let substring):
                for word in basic.words(substring) { appendPieces(of: word, to: &ids) }
            }
        }
        return ids
    }

    /// Splits `text` into word-piece strings (no special tokens added, no truncation).
    public func tokenize(_ text: String) -> [String] {
        pieceIDs(text).map { vocabulary.tokens[$0] }
    }

    /// Encodes one text: `[CLS]`, its word pieces truncated to `maxLength - 2`, `[SEP]`.
    /// - Parameter maxLength: total length including the special tokens; `nil` uses
    ///   ``TokenizerConfiguration/defaultMaxLength``. Clamped to `3...modelMaxLength`.
    public func encode(_ text: String, maxLength: Int? = nil) -> Encoding {
        let limit = effectiveMaxLength(maxLength)
        let pieces = pieceIDs(text)
        var ids = [classID]
        ids.append(contentsOf: pieces.prefix(limit - 2))
        ids.append(separatorID)
        return Encoding(ids: ids, tokens: ids.map { vocabulary.tokens[$0] }, untruncatedPieceCount: pieces.count)
    }

    /// Encodes several texts and pads them to the longest, with attention masks.
    public func encodeBatch(_ texts: [String], maxLength: Int? = nil) -> BatchEncoding {
        BatchEncoding(encodings: texts.map { encode($0, maxLength: maxLength) }, paddingID: paddingID)
    }

    /// The truncation length actually used for a requested one.
    public func effectiveMaxLength(_ requested: Int?) -> Int {
        let value = requested ?? configuration.defaultMaxLength
        return max(3, min(value, configuration.modelMaxLength, TokenizerConfiguration.maximumSupportedLength))
    }

    private enum Segment {
        case text(Substring)
        case special(Int)
    }

    /// Cuts the raw text around literal special tokens (leftmost, then longest match).
    private func splitOnSpecialTokens(_ text: String) -> [Segment] {
        guard !specials.isEmpty, text.utf8.contains(UInt8(ascii: "[")) || specials.contains(where: { $0.bytes.first != UInt8(ascii: "[") }) else {
            return [.text(text[...])]
        }
        let bytes = Array(text.utf8)
        var segments: [Segment] = []
        var segmentStart = 0
        var position = 0
        while position < bytes.count {
            var best: (length: Int, id: Int)?
            for special in specials where special.bytes.count <= bytes.count - position {
                if bytes[position] == special.bytes[0],
                   bytes[position..<(position + special.bytes.count)].elementsEqual(special.bytes),
                   special.bytes.count > (best?.length ?? 0) {
                    best = (special.bytes.count, special.id)
                }
            }
            if let best {
                if position > segmentStart { segments.append(.text(substring(text, bytes: segmentStart..<position))) }
                segments.append(.special(best.id))
                position += best.length
                segmentStart = position
            } else {
                position += 1
            }
        }
        if segmentStart < bytes.count { segments.append(.text(substring(text, bytes: segmentStart..<bytes.count))) }
        return segments
    }

    private func substring(_ text: String, bytes range: Range<Int>) -> Substring {
        // Special tokens are complete UTF-8 sequences, so match boundaries are scalar boundaries.
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let end = utf8.index(start, offsetBy: range.count)
        return text[start..<end]
    }

    /// Greedy longest-match-first segmentation of one word; the whole word becomes `[UNK]` when any
    /// remainder has no matching piece.
    private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int]) {
        if word.count > configuration.maxInputCharsPerWord {
            ids.append(unknownID)
            return
        }
        // UTF-8 bytes of the word and the byte offset of each scalar boundary.
        var bytes: [UInt8] = []
        var boundaries: [Int] = [0]
        bytes.reserveCapacity(word.count * 2)
        for scalar in word {
            UTF8.encode(scalar) { bytes.append($0) }
            boundaries.append(bytes.count)
        }
        if let id = vocabulary.id(forBytes: bytes) {
            ids.append(id)
            return
        }
        let mark = ids.count
        var start = 0
        var candidate: [UInt8] = []
        candidate.reserveCapacity(bytes.count + prefixBytes.count)
        while start < word.count {
            var end = word.count
            var found: Int?
            while start < end {
                candidate.removeAll(keepingCapacity: true)
                if start > 0 { candidate.append(contentsOf: prefixBytes) }
                candidate.append(contentsOf: bytes[boundaries[start]..<boundaries[end]])
                if let id = vocabulary.id(forBytes: candidate) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.removeSubrange(mark...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }
}
