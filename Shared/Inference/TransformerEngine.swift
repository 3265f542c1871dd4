import Foundation
import Synchronization

/// Runs a Hugging Face BERT or DistilBERT model directory (`config.json`, `vocab.txt`,
/// `tokenizer_config.json`/`tokenizer.json`, `model.safetensors`) on the CPU: sentence embeddings
/// (CLS or mean pooling) and sequence classification.
///
/// ## Concurrency model
/// The engine is immutable after loading — weights, tokenizer and configuration are `let` values — plus a
/// `Mutex`-guarded pool of activation buffers. Each call checks a buffer set out of the pool (or makes one),
/// computes synchronously on the calling thread, and puts it back, so any number of calls may run at once from
/// any threads or tasks without sharing mutable state. Calls are CPU-bound and blocking: an async caller with
/// large batches should run them off the cooperative pool (e.g. on a dedicated thread) to keep it responsive.
///
/// Matrix products use OpenBLAS, whose thread count is **process-wide**: ``Options/threadCount`` sets it
/// for every engine in the process (`openblas_set_num_threads`). OpenBLAS serialises its own thread pool, so
/// concurrent calls are safe; for throughput under concurrency, one OpenBLAS thread per concurrent caller is
/// usually best. OpenBLAS is loaded when the first engine is created, with kernels chosen for this CPU
/// (see `OpenBLAS.swift`); ``blasCoreName()`` reports which.
public final class TransformerEngine: Sendable {
    /// Load-time options.
    public struct Options: Sendable, Equatable {
        /// OpenBLAS threads for the whole process; `nil` leaves OpenBLAS's current setting alone.
        public var threadCount: Int?
        /// Truncation length (including `[CLS]`/`[SEP]`); `nil` uses the tokenizer's default (128),
        /// clamped to the model's limits and 512.
        public var maxLength: Int?
        /// Upper bound on the tokens packed into one forward pass; larger batches are split into chunks.
        public var tokensPerChunk: Int = 4096

        /// Creates options.
        public init(threadCount: Int? = nil, maxLength: Int? = nil, tokensPerChunk: Int = 4096) {
            self.threadCount = threadCount
            self.maxLength = maxLength
            self.tokensPerChunk = tokensPerChunk
        }
    }

    /// How token vectors become one sentence vector.
    public enum Pooling: String, Sendable, Equatable {
        /// The `[CLS]` token's final hidden state.
        case cls
        /// The mean of all real tokens' final hidden states (attention-mask weighted, as sentence-transformers does).
        case mean
    }

    /// The model's configuration.
    public let configuration: ModelConfiguration
    /// The model's tokenizer.
    public let tokenizer: WordPieceTokenizer
    /// The truncation length in force.
    public let maxLength: Int
    /// Load-time options.
    public let options: Options
    /// The encoder stack and its weights.
    let encoder: TransformerEncoder
    private let pool = Mutex<[Workspace]>([])
    private static let pooledWorkspaceLimit = 4

    /// Loads a model directory.
    /// - Throws: ``InferenceError`` naming the missing file, malformed header, wrong shape or unsupported dtype.
    public init(directory: URL, options: Options = Options()) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InferenceError.missingFile(path: directory.path)
        }
        let configuration = try ModelConfiguration(directory: directory)
        let tokenizer = try WordPieceTokenizer(directory: directory)
        let file = try SafeTensorsFile(path: directory.appendingPathComponent("model.safetensors").path)
        let weights = try TransformerWeights(file: file, configuration: configuration)
        if tokenizer.vocabulary.count > configuration.vocabularySize {
            throw InferenceError.invalidVocabulary(
                reason: "vocab.txt has \(tokenizer.vocabulary.count) tokens but the model embeds only \(configuration.vocabularySize)")
        }
        guard options.tokensPerChunk > 0 else {
            throw InferenceError.invalidConfiguration(reason: "tokensPerChunk must be positive")
        }
        let blas = try OpenBLAS.shared.get()
        if let threads = options.threadCount { blas.setThreadCount(Int32(max(1, threads))) }
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.options = options
        self.maxLength = min(tokenizer.effectiveMaxLength(options.maxLength), configuration.maxPositionEmbeddings)
        self.encoder = TransformerEncoder(configuration: configuration, weights: weights, blas: blas)
    }

    /// Class labels from `id2label` (`LABEL_i` when the config names none), or empty without a head.
    public var labels: [String] {
        guard let head = encoder.weights.classifier else { return [] }
        if configuration.labels.count == head.classCount { return configuration.labels }
        return (0..<head.classCount).map { "LABEL_\($0)" }
    }

    /// Whether the weights include a sequence-classification head.
    public var hasClassificationHead: Bool { encoder.weights.classifier != nil }

    /// Sets OpenBLAS's process-wide thread count.
    /// - Throws: ``InferenceError/blasUnavailable(reason:)`` when OpenBLAS cannot be loaded.
    public static func setThreadCount(_ count: Int) throws {
        try OpenBLAS.shared.get().setThreadCount(Int32(max(1, count)))
    }

    /// OpenBLAS's current process-wide thread count.
    public static func threadCount() throws -> Int { Int(try OpenBLAS.shared.get().threadCount()) }

    /// The OpenBLAS kernel family in use (e.g. `SkylakeX`), for diagnostics and benchmark reports.
    public static func blasCoreName() throws -> String { try OpenBLAS.shared.get().coreName }

    /// Tokenises `texts` with this engine's truncation length.
    public func encode(_ texts: [String]) -> [Encoding] {
        texts.map { tokenizer.encode($0, maxLength: maxLength) }
    }

    /// Final hidden states of one token sequence, one row of `hiddenSize` per token.
    public func hiddenStates(tokenIDs: [Int]) throws -> [[Float]] {
        try validate([tokenIDs])
        let h = configuration.hiddenSize
        return withWorkspace { workspace in
            encoder.forward([tokenIDs][...], workspace: &workspace) { hidden, _ in
                (0..<tokenIDs.count).map { t in Array(UnsafeBufferPointer(start: hidden + t * h, count: h)) }
            }
        }
    }

    /// Sentence embeddings of `texts` (tokenised, truncated, each run at its own length).
    public func embeddings(for texts: [String], pooling: Pooling = .mean, normalize: Bool = true) throws -> [[Float]] {
        try embeddings(tokenIDs: encode(texts).map(\.ids), pooling: pooling, normalize: normalize)
    }

    /// Sentence embeddings of already-tokenised sequences (with their special tokens).
    /// - Parameter normalize: divide by the L2 norm (floored at 1e-12, like `torch.nn.functional.normalize`).
    public func embeddings(tokenIDs: [[Int]], pooling: Pooling = .mean, normalize: Bool = true) throws -> [[Float]] {
        try validate(tokenIDs)
        let h = configuration.hiddenSize
        return run(tokenIDs) { hidden, starts, chunk in
            zip(starts, chunk).map { start, sequence -> [Float] in
                var vector = [Float](repeating: 0, count: h)
                switch pooling {
                case .cls:
                    for i in 0..<h { vector[i] = hidden[start * h + i] }
                case .mean:
                    for t in 0..<sequence.count {
                        let row = hidden + (start + t) * h
                        for i in 0..<h { vector[i] += row[i] }
                    }
                    let inverse = 1 / Float(sequence.count)
                    for i in 0..<h { vector[i] *= inverse }
                }
                if normalize {
                    let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    let inverse = 1 / max(norm, 1e-12)
                    for i in 0..<h { vector[i] *= inverse }
                }
                return vector
            }
        }
    }

    /// Classifies `texts` with the model's sequence-classification head.
    /// - Throws: ``InferenceError/noClassificationHead`` when the weights have none.
    public func classify(_ texts: [String]) throws -> [Classification] {
        try classify(tokenIDs: encode(texts).map(\.ids))
    }

    /// Classifies already-tokenised sequences.
    public func classify(tokenIDs: [[Int]]) throws -> [Classification] {
        let labels = self.labels
        return try logits(tokenIDs: tokenIDs).map { Classification(logits: $0, labels: labels) }
    }

    /// Raw logits of the classification head, one row per sequence.
    public func logits(tokenIDs: [[Int]]) throws -> [[Float]] {
        try logits(tokenIDs: tokenIDs, rows: .firstOfEachSequence)
    }

    /// Raw logits, computing the last layer for the `[CLS]` rows only (`.firstOfEachSequence`, the default path) or
    /// for every token (`.all`, the reference the tests compare the shortcut with).
    func logits(tokenIDs: [[Int]], rows: OutputRows) throws -> [[Float]] {
        guard let head = encoder.weights.classifier else { throw InferenceError.noClassificationHead }
        try validate(tokenIDs)
        let h = configuration.hiddenSize
        return run(tokenIDs, rows: rows) { hidden, starts, _ in
            starts.map { encoder.classify(cls: hidden + $0 * h, head: head) }
        }
    }

    /// Checks ids and lengths so the forward pass never reads outside its tables.
    private func validate(_ sequences: [[Int]]) throws {
        let limit = configuration.maxPositionEmbeddings
        for (index, sequence) in sequences.enumerated() {
            guard !sequence.isEmpty else { throw InferenceError.invalidInput(reason: "sequence \(index) is empty") }
            guard sequence.count <= limit else {
                throw InferenceError.invalidInput(reason: "sequence \(index) has \(sequence.count) tokens; the model accepts at most \(limit)")
            }
            if let bad = sequence.first(where: { $0 < 0 || $0 >= configuration.vocabularySize }) {
                throw InferenceError.invalidInput(reason: "token id \(bad) in sequence \(index) is outside 0..<\(configuration.vocabularySize)")
            }
        }
    }

    /// Runs the sequences in chunks of at most ``Options/tokensPerChunk`` tokens and concatenates the readouts.
    private func run<T>(
        _ sequences: [[Int]], rows: OutputRows = .all,
        readout: (_ hidden: UnsafePointer<Float>, _ starts: [Int], _ chunk: ArraySlice<[Int]>) -> [T]
    ) -> [T] {
        withWorkspace { workspace in
            var results: [T] = []
            results.reserveCapacity(sequences.count)
            var begin = 0
            while begin < sequences.count {
                var end = begin
                var tokens = 0
                while end < sequences.count, end == begin || tokens + sequences[end].count <= options.tokensPerChunk {
                    tokens += sequences[end].count
                    end += 1
                }
                let chunk = sequences[begin..<end]
                results += encoder.forward(chunk, rows: rows, workspace: &workspace) { hidden, starts in
                    readout(hidden, starts, chunk)
                }
                begin = end
            }
            return results
        }
    }

    /// Checks a workspace out of the pool for the duration of `body`.
    private func withWorkspace<R>(_ body: (inout Workspace) throws -> R) rethrows -> R {
        var workspace = pool.withLock { $0.popLast() } ?? Workspace()
        defer {
            pool.withLock { pooled in
                if pooled.count < Self.pooledWorkspaceLimit { pooled.append(workspace) }
            }
        }
        return try body(&workspace)
    }
}
