/// One tokenised text: ids with `[CLS]` first and `[SEP]` last, truncated to the requested length.
public struct Encoding: Sendable, Equatable {
    /// Token ids, including the special tokens.
    public var ids: [Int]
    /// Token strings, parallel to ``ids``.
    public var tokens: [String]
    /// Word pieces the text produced before truncation (special tokens not counted).
    public var untruncatedPieceCount: Int

    /// Whether word pieces were dropped to fit the maximum length.
    public var isTruncated: Bool { untruncatedPieceCount + 2 > ids.count }
    /// Attention mask of the unpadded sequence (all ones).
    public var attentionMask: [Int] { [Int](repeating: 1, count: ids.count) }
    /// Token type ids of the single-segment sequence (all zeros).
    public var tokenTypeIDs: [Int] { [Int](repeating: 0, count: ids.count) }
}

/// A batch of encodings padded on the right to the longest one, with attention masks, as
/// `tokenizer(texts, padding=True, truncation=True)` returns.
public struct BatchEncoding: Sendable, Equatable {
    /// The unpadded encodings.
    public var encodings: [Encoding]
    /// Padded ids, one row per text.
    public var inputIDs: [[Int]]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [[Int]]
    /// All zeros (single-segment inputs), padded like the ids.
    public var tokenTypeIDs: [[Int]]

    /// Pads `encodings` with `paddingID` to the longest sequence.
    public init(encodings: [Encoding], paddingID: Int) {
        self.encodings = encodings
        let width = encodings.map(\.ids.count).max() ?? 0
        inputIDs = encodings.map { $0.ids + [Int](repeating: paddingID, count: width - $0.ids.count) }
        attentionMask = encodings.map {
            [Int](repeating: 1, count: $0.ids.count) + [Int](repeating: 0, count: width - $0.ids.count)
        }
        tokenTypeIDs = encodings.map { _ in [Int](repeating: 0, count: width) }
    }
}
