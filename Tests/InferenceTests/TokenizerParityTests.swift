import Foundation
import Inference
import TestSupport
import Testing

/// Token ids must equal Hugging Face's fast BERT tokenizer exactly.
@Suite("Tokenizer parity with BertTokenizerFast")
struct TokenizerParityTests {
    @Test("ids match on 1,000+ dataset sentences, odd texts, random Unicode and long truncated texts")
    func goldenCases() async throws {
        try await HeavyWork.run {
            let tokenizer = try Fixtures.miniLMTokenizer()
            let golden = try Fixtures.decode(Fixtures.TokenizerGolden.self, "tokenizer_golden.json")
            #expect(golden.cases.count >= 1_200)
            #expect(golden.cases.filter { !["odd", "random-unicode", "long-concatenation"].contains($0.source) }.count >= 1_000)
            var mismatches: [String] = []
            for item in golden.cases {
                let encoding = tokenizer.encode(item.text, maxLength: item.maxLength)
                if encoding.ids != item.ids || encoding.untruncatedPieceCount != item.untruncatedPieces {
                    mismatches.append("\(item.source) maxLength=\(item.maxLength) \(item.text.debugDescription): got \(encoding.ids) expected \(item.ids)")
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) of \(golden.cases.count) differ; first: \(mismatches.prefix(3))")
            // The long concatenations really are truncated at each length.
            let long = golden.cases.filter { $0.source == "long-concatenation" }
            #expect(Set(long.map(\.ids.count)) == [16, 128, 512])
        }
    }

    @Test("ids match the shared MiniLM golden headlines, including the 134-piece truncation")
    func sharedGolden() throws {
        let tokenizer = try Fixtures.miniLMTokenizer()
        let golden = try Fixtures.decode(Fixtures.MiniLMGolden.self, "minilm_golden.json")
        #expect(golden.items.count == 20)
        for item in golden.items {
            let encoding = tokenizer.encode(item.text)
            #expect(encoding.ids == item.inputIds, "\(item.text.debugDescription)")
            #expect(encoding.isTruncated == item.truncated)
            #expect(encoding.untruncatedPieceCount + 2 == item.untruncatedNumTokens)
        }
        let first = try #require(golden.items.first)
        #expect(tokenizer.encode(first.text).tokens.prefix(5) == ["[CLS]", "bit", "##co", "##in", "surge"])
    }

    @Test("a padded batch has the fast tokenizer's ids and attention masks")
    func paddedBatch() throws {
        let tokenizer = try Fixtures.miniLMTokenizer()
        let golden = try Fixtures.decode(Fixtures.TokenizerGolden.self, "tokenizer_golden.json")
        let batch = tokenizer.encodeBatch(golden.batch.texts, maxLength: 128)
        #expect(batch.inputIDs == golden.batch.inputIds)
        #expect(batch.attentionMask == golden.batch.attentionMask)
        #expect(batch.tokenTypeIDs.allSatisfy { $0.allSatisfy { $0 == 0 } })
    }
}
