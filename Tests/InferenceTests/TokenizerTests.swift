import Foundation
import Inference
import Testing

/// WordPiece and basic-tokenizer behaviour on concrete inputs (all-MiniLM-L6-v2 vocabulary).
@Suite("WordPiece tokenizer")
struct TokenizerTests {
    let tokenizer: WordPieceTokenizer

    init() throws { tokenizer = try Fixtures.miniLMTokenizer() }

    @Test("settings come from tokenizer_config.json")
    func configuration() {
        let c = tokenizer.configuration
        #expect(c.lowercase && c.stripAccents == nil && c.effectiveStripAccents && c.tokenizeChineseChars)
        #expect(c.modelMaxLength == 512 && c.defaultMaxLength == 128)
        #expect(tokenizer.vocabulary.count == 30_522)
        #expect(tokenizer.classID == 101 && tokenizer.separatorID == 102 && tokenizer.paddingID == 0)
    }

    // Expected pieces as printed by transformers' BertTokenizer (fast) with this vocabulary.
    @Test("accents are stripped and text lower-cased; punctuation split; CJK spaced", arguments: [
        ("Société Générale", ["societe", "general", "##e"]),
        ("ETH/USD slips 3.2%", ["et", "##h", "/", "usd", "slips", "3", ".", "2", "%"]),
        ("比特币ETH", ["比", "[UNK]", "[UNK]", "et", "##h"]),
        ("$BTC", ["$", "bt", "##c"]),
        ("don't", ["don", "'", "t"]),
        ("İstanbul", ["istanbul"]),
    ])
    func basicTokenization(text: String, expected: [String]) {
        #expect(tokenizer.tokenize(text) == expected)
    }

    @Test("control characters vanish, every whitespace separates, zero-width space joins")
    func cleanup() {
        #expect(tokenizer.tokenize("a\u{0}b\u{7}c") == ["abc"])
        #expect(tokenizer.tokenize("x\ty\nz\u{3000}w\u{A0}v") == ["x", "y", "z", "w", "v"])
        #expect(tokenizer.tokenize("bit\u{200B}coin") == ["bit", "##co", "##in"])
        #expect(tokenizer.tokenize("") == [] && tokenizer.tokenize(" \t\n") == [])
    }

    @Test("greedy longest-match pieces, [UNK] for unknown words and for words over 100 scalars")
    func wordPieces() {
        #expect(tokenizer.tokenize("Bitcoin inflows") == ["bit", "##co", "##in", "in", "##flow", "##s"])
        #expect(tokenizer.tokenize("🚀 moon") == ["[UNK]", "moon"])
        #expect(tokenizer.tokenize(String(repeating: "a", count: 100)).allSatisfy { $0 != "[UNK]" })
        #expect(tokenizer.tokenize(String(repeating: "a", count: 101)) == ["[UNK]"])
    }

    @Test("literal special tokens stay whole; lower-case look-alikes do not")
    func specialTokens() {
        #expect(tokenizer.tokenize("buy [MASK] now") == ["buy", "[MASK]", "now"])
        #expect(tokenizer.tokenize("[mask]") == ["[", "mask", "]"])
    }

    @Test("truncation keeps [CLS] + first pieces + [SEP]; lengths are clamped")
    func truncation() {
        let text = Array(repeating: "bitcoin", count: 300).joined(separator: " ")  // 900 pieces
        let short = tokenizer.encode(text, maxLength: 10)
        #expect(short.ids == [101, 2978, 3597, 2378, 2978, 3597, 2378, 2978, 3597, 102])
        #expect(short.isTruncated && short.untruncatedPieceCount == 900)
        #expect(tokenizer.encode(text).ids.count == 128)
        #expect(tokenizer.encode(text, maxLength: 512).ids.count == 512)
        #expect(tokenizer.encode(text, maxLength: 4096).ids.count == 512)
        #expect(tokenizer.encode(text, maxLength: 1).ids.count == 3)
        #expect(tokenizer.encode("").ids == [101, 102])
    }

    @Test("batch padding pads with [PAD] and masks it out")
    func padding() {
        let batch = tokenizer.encodeBatch(["bitcoin", "ether price up"])
        #expect(batch.inputIDs == [[101, 2978, 3597, 2378, 102], [101, 28855, 3976, 2039, 102]])
        let uneven = tokenizer.encodeBatch(["up", "ether price up"])
        #expect(uneven.inputIDs[0] == [101, 2039, 102, 0, 0])
        #expect(uneven.attentionMask == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]])
    }

    @Test("a cased tokenizer keeps case and accents when configured so")
    func casedConfiguration() throws {
        var configuration = TokenizerConfiguration()
        configuration.lowercase = false
        let vocabulary = Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Café", "café", "cafe", "##s"])
        let cased = try WordPieceTokenizer(vocabulary: vocabulary, configuration: configuration)
        #expect(cased.tokenize("Café cafés CAFE") == ["Café", "café", "##s", "[UNK]"])
        configuration.lowercase = true
        let uncased = try WordPieceTokenizer(vocabulary: vocabulary, configuration: configuration)
        #expect(uncased.tokenize("Café cafés") == ["cafe", "cafe", "##s"])
        configuration.stripAccents = false
        let keepAccents = try WordPieceTokenizer(vocabulary: vocabulary, configuration: configuration)
        #expect(keepAccents.tokenize("CAFÉ") == ["café"])
    }

    @Test("vocabulary matches bytes exactly, not by canonical equivalence")
    func exactByteVocabulary() {
        let vocabulary = Vocabulary(tokens: ["caf\u{E9}", "cafe\u{301}"])
        #expect(vocabulary.id(for: "caf\u{E9}") == 0)
        #expect(vocabulary.id(for: "cafe\u{301}") == 1)
    }

    @Test("vocab.txt with CRLF line ends reads like LF; an empty file is rejected")
    func vocabularyFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("vocab.txt")
        try Data("[PAD]\r\n[UNK]\r\nbit\r\n##coin\r\n".utf8).write(to: url)
        let vocabulary = try Vocabulary(contentsOf: url)
        #expect(vocabulary.tokens == ["[PAD]", "[UNK]", "bit", "##coin"])
        #expect(vocabulary.id(for: "##coin") == 3)
        try Data().write(to: url)
        #expect(throws: InferenceError.invalidVocabulary(reason: "vocab.txt holds no tokens")) { try Vocabulary(contentsOf: url) }
    }

    @Test("a vocabulary without [UNK] is rejected with a clear error")
    func missingUnknownToken() {
        #expect(throws: InferenceError.invalidVocabulary(reason: "special token [UNK] is not in the vocabulary")) {
            try WordPieceTokenizer(vocabulary: Vocabulary(tokens: ["[PAD]", "[CLS]", "[SEP]"]))
        }
    }
}
