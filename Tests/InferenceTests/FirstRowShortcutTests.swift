import Foundation
@testable import Inference
import TestSupport
import Testing

/// The classifier's last layer runs for the `[CLS]` rows only (``OutputRows/firstOfEachSequence``); it must give the
/// logits of the full computation.
@Suite("CLS-only last layer")
struct FirstRowShortcutTests {
    /// Real headlines of several lengths (1 to ~60 tokens), batched and alone.
    static let headlines = [
        "Bitcoin surges past $70,000 as spot ETF inflows hit a record high",
        "ETH",
        "Shares of Tesla fell 4% after the company missed delivery estimates for the second quarter in a row",
        "Binance faces a $4.3 billion penalty; CZ steps down as chief executive under the settlement with US authorities",
        "Solana outage halts block production for five hours",
        "Fed holds rates steady, signals cuts later this year as inflation cools — stocks and crypto rally",
        "Company X reports Q3 revenue of EUR 12.5 mln, up from EUR 10.1 mln a year earlier, and raises its full-year guidance "
            + "while warning that currency headwinds and higher input costs could weigh on margins in the fourth quarter",
    ]

    static func productModel() throws -> URL {
        guard let path = ProcessInfo.processInfo.environment["SENTIMENT_TEST_MODEL_DIR"], !path.isEmpty else {
            throw ModelDirectoryNotSet()
        }
        return URL(fileURLWithPath: path)
    }

    /// Thrown (so the test fails, never skips) when the product model's location is not given.
    struct ModelDirectoryNotSet: Error, CustomStringConvertible {
        var description: String {
            "SENTIMENT_TEST_MODEL_DIR is not set: run `make test` (it exports the assembled product model's directory)"
        }
    }

    static func compare(_ engine: TransformerEngine, _ ids: [[Int]]) throws -> Float {
        let shortcut = try engine.logits(tokenIDs: ids)
        let full = try engine.logits(tokenIDs: ids, rows: .all)
        #expect(shortcut.count == ids.count && full.count == ids.count)
        var worst: Float = 0
        for (a, b) in zip(shortcut, full) { worst = max(worst, maxAbsDiff(a, b)) }
        for sequence in ids {  // each alone, too (one sequence: the single-headline path)
            let alone = try engine.logits(tokenIDs: [sequence])[0]
            let reference = try engine.logits(tokenIDs: [sequence], rows: .all)[0]
            worst = max(worst, maxAbsDiff(alone, reference))
        }
        return worst
    }

    @Test("product model: shortcut logits equal the full last layer's within 1e-5 on real headlines")
    func productModelLogits() async throws {
        try await HeavyWork.run {
            let engine = try TransformerEngine(directory: Self.productModel(), options: .init(threadCount: 1))
            let ids = engine.encode(Self.headlines).map(\.ids)
            #expect(Set(ids.map(\.count)).count == ids.count, "headlines of distinct lengths")
            let worst = try Self.compare(engine, ids)
            print("CLS-only last layer, product model: max |Δlogit| = \(worst)")
            #expect(worst <= 1e-5)
        }
    }

    @Test("random BERT and DistilBERT classifiers: shortcut logits equal the full computation's",
          arguments: ["tiny-bert", "tiny-distilbert", "tiny-distilbert-bf16"])
    func tinyModelLogits(model: String) async throws {
        try await HeavyWork.run {
            let engine = try TransformerEngine(directory: Fixtures.url(model), options: .init(threadCount: 1, tokensPerChunk: 64))
            let reference = try Fixtures.decode(Fixtures.TinyLogits.self, "\(model)/logits.json")
            let worst = try Self.compare(engine, reference.cases.map(\.ids))
            #expect(worst <= 1e-5, "\(model): max |Δlogit| = \(worst)")
        }
    }

    @Test("the shortcut's [CLS] rows equal the full forward pass's first rows (packed batch of mixed lengths)")
    func firstRowsMatch() async throws {
        try await HeavyWork.run {
            let engine = try TransformerEngine(directory: Fixtures.url("tiny-distilbert"), options: .init(threadCount: 1))
            let ids = engine.encode(Self.headlines).map(\.ids)
            let h = engine.configuration.hiddenSize
            var workspace = Workspace()
            let full = engine.encoder.forward(ids[...], rows: .all, workspace: &workspace) { hidden, starts in
                starts.map { Array(UnsafeBufferPointer(start: hidden + $0 * h, count: h)) }
            }
            let first = engine.encoder.forward(ids[...], rows: .firstOfEachSequence, workspace: &workspace) { hidden, starts in
                #expect(starts == Array(0..<ids.count))
                return starts.map { Array(UnsafeBufferPointer(start: hidden + $0 * h, count: h)) }
            }
            #expect(full.count == first.count)
            for (a, b) in zip(full, first) { #expect(maxAbsDiff(a, b) <= 1e-5) }
        }
    }
}
