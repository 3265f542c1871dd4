import Foundation
import InferenceKernels

/// Reusable activation buffers for one forward pass, grown on demand and kept between calls.
struct Workspace: Sendable {
    /// All activations, back to back, each region 64-byte aligned (see ``TransformerEncoder/forward(_:rows:workspace:readout:)``).
    var storage = AlignedFloats(count: 0)

    /// Makes room for `count` floats.
    mutating func reserve(_ count: Int) {
        if storage.count < count { storage = AlignedFloats(count: count) }
    }
}

/// Which final hidden states a forward pass must produce.
enum OutputRows: Sendable, Equatable {
    /// Every token's row (mean pooling, token-level outputs).
    case all
    /// Only each sequence's first (`[CLS]`) row — all a sequence-classification head reads. (Embeddings always
    /// use ``all``, so CLS and mean pooling see the very same hidden states.)
    ///
    /// The last layer then computes keys and values for every token but the query, attention, output projection,
    /// LayerNorms and feed-forward block only for the first rows: the same arithmetic for those rows (each row of a
    /// dense layer depends only on its own input row; only attention mixes rows, through the keys and values),
    /// without the other rows' work.
    case firstOfEachSequence
}

/// A BERT or DistilBERT encoder stack (post-LayerNorm transformer) over arranged weights.
///
/// Batches are packed: the token rows of every sequence are stacked into one `[tokens, hidden]` matrix, so
/// every dense layer is one GEMM over real tokens only, while attention runs per sequence at its own
/// length. No padding is ever computed.
struct TransformerEncoder: Sendable {
    /// The model's shape.
    let configuration: ModelConfiguration
    /// The arranged parameters.
    let weights: TransformerWeights
    /// The loaded OpenBLAS entry points.
    let blas: OpenBLAS

    /// The activation regions of one pass, each starting on a 64-byte boundary.
    private struct Regions {
        var hidden = 0, qkv = 0, context = 0, scratch = 0, intermediate = 0, scores = 0
        var firstHidden = 0, firstQuery = 0, firstContext = 0, firstScratch = 0
        var total = 0

        init(tokens: Int, sequences: Int, longest: Int, hidden h: Int, inner: Int, headSize: Int) {
            func take(_ count: Int) -> Int {
                defer { total += AlignedFloats.padded(count) }
                return total
            }
            hidden = take(tokens * h)
            qkv = take(tokens * 3 * h)
            context = take(tokens * h)
            scratch = take(tokens * h)
            intermediate = take(tokens * inner)
            // One sequence's scores (OpenBLAS path) or the attention kernel's key panel and score row.
            scores = take(max(longest * longest, Kernels.smallKernelSupported ? cdt_attention_scratch_floats(longest, headSize) : 0))
            firstHidden = take(sequences * h)
            firstQuery = take(sequences * h)
            firstContext = take(sequences * h)
            firstScratch = take(sequences * h)
        }
    }

    /// Floats of workspace a chunk of `tokens` tokens in `sequences` sequences whose longest is `longest` needs.
    func workspaceSize(tokens: Int, sequences: Int, longest: Int) -> Int {
        Regions(tokens: tokens, sequences: sequences, longest: longest,
                hidden: configuration.hiddenSize, inner: configuration.intermediateSize, headSize: configuration.headSize).total
    }

    /// Runs the encoder over `sequences` (valid ids, each of length `1...maxPositionEmbeddings`) and hands
    /// `readout` the final hidden states, row-major with `hidden` floats per row, and where each sequence's first
    /// row is. With `rows: .all` that is `[tokens, hidden]` and `starts` are the sequences' offsets; with
    /// `.firstOfEachSequence` it is `[sequences, hidden]` (the `[CLS]` rows only) and `starts` is `0, 1, 2, …`.
    func forward<R>(
        _ sequences: ArraySlice<[Int]>, rows: OutputRows = .all, workspace: inout Workspace,
        readout: (_ hidden: UnsafePointer<Float>, _ starts: [Int]) throws -> R
    ) rethrows -> R {
        let c = configuration
        let h = c.hiddenSize, inner = c.intermediateSize
        var starts: [Int] = []
        starts.reserveCapacity(sequences.count)
        var total = 0
        var longest = 0
        for sequence in sequences {
            starts.append(total)
            total += sequence.count
            longest = max(longest, sequence.count)
        }
        let regions = Regions(tokens: total, sequences: sequences.count, longest: longest, hidden: h, inner: inner,
                              headSize: c.headSize)
        workspace.reserve(regions.total)
        let activations = workspace.storage, parameters = weights.storage
        defer { withExtendedLifetime((activations, parameters)) {} }
        let buffer = activations.base
        let p = UnsafePointer(parameters.base)
        let hidden = buffer + regions.hidden
        let epsilon = c.layerNormEpsilon

        // Embeddings: word + position (+ token type 0), then LayerNorm.
        let position = p + weights.positionEmbeddings.offset
        let tokenType = weights.tokenTypeEmbedding.map { p + $0.offset }
        weights.wordEmbeddings.values.withUnsafeBufferPointer { words in
            let word = words.baseAddress!
            for (index, sequence) in sequences.enumerated() {
                for (t, id) in sequence.enumerated() {
                    let row = hidden + (starts[index] + t) * h
                    let w = word + id * h
                    let pos = position + t * h
                    if let tokenType {
                        for i in 0..<h { row[i] = w[i] + pos[i] + tokenType[i] }
                    } else {
                        for i in 0..<h { row[i] = w[i] + pos[i] }
                    }
                }
            }
        }
        Kernels.layerNorm(hidden, rows: total, width: h,
                          gamma: p + weights.embeddingNormGamma.offset, beta: p + weights.embeddingNormBeta.offset,
                          epsilon: epsilon, into: hidden)

        let layers = weights.layers
        let shortcut = rows == .firstOfEachSequence && !layers.isEmpty
        for (index, layer) in layers.enumerated() {
            if shortcut && index == layers.count - 1 {
                lastLayerFirstRows(layer, sequences: sequences, starts: starts, tokens: total, buffer: buffer, regions: regions, p: p)
                return try readout(buffer + regions.firstHidden, Array(0..<sequences.count))
            }
            fullLayer(layer, sequences: sequences, starts: starts, tokens: total, buffer: buffer, regions: regions, p: p)
        }
        if rows == .firstOfEachSequence {  // no layers: the embeddings' first rows
            for (index, start) in starts.enumerated() {
                (buffer + regions.firstHidden + index * h).update(from: hidden + start * h, count: h)
            }
            return try readout(buffer + regions.firstHidden, Array(0..<sequences.count))
        }
        return try readout(hidden, starts)
    }

    /// One encoder layer over every token row: `hidden` is read and overwritten.
    private func fullLayer(
        _ layer: LayerSlots, sequences: ArraySlice<[Int]>, starts: [Int], tokens total: Int,
        buffer: UnsafeMutablePointer<Float>, regions: Regions, p: UnsafePointer<Float>
    ) {
        let c = configuration
        let h = c.hiddenSize, h3 = 3 * h, d = c.headSize
        let scale = 1 / Float(d).squareRoot()
        let hidden = buffer + regions.hidden, qkv = buffer + regions.qkv, context = buffer + regions.context
        let scratch = buffer + regions.scratch, intermediate = buffer + regions.intermediate, scores = buffer + regions.scores

        // Fused Q|K|V projection: qkv = bias; qkv += hidden · Wqkvᵀ.
        Kernels.broadcastRows(p + layer.qkvBias.offset, rows: total, width: h3, into: qkv)
        Kernels.linear(blas, input: hidden, rows: total, inputWidth: h,
                       weight: p + layer.qkvWeight.offset, outputWidth: h3, output: qkv)
        // Attention per sequence, at the sequence's own length.
        for (index, sequence) in sequences.enumerated() {
            let rows = qkv + starts[index] * h3
            Kernels.attention(blas, query: rows, ldq: h3, queryRows: sequence.count, keys: rows + h, values: rows + 2 * h,
                              ldkv: h3, length: sequence.count, heads: c.headCount, headSize: d, scale: scale,
                              context: context + starts[index] * h, ldc: h, scratch: scores)
        }
        attentionOutput(layer, rows: total, context: context, residual: hidden, scratch: scratch, p: p)
        feedForward(layer, rows: total, hidden: hidden, intermediate: intermediate, scratch: scratch, p: p)
    }

    /// Attention output projection with residual and LayerNorm over `rows` rows: scratch = residual + bias;
    /// scratch += context · Woᵀ; residual = LayerNorm(scratch).
    private func attentionOutput(
        _ layer: LayerSlots, rows: Int, context: UnsafePointer<Float>, residual: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>, p: UnsafePointer<Float>
    ) {
        let c = configuration
        let h = c.hiddenSize
        Kernels.addBiasRows(residual, bias: p + layer.attentionOutBias.offset, rows: rows, width: h, into: scratch)
        Kernels.linear(blas, input: context, rows: rows, inputWidth: h,
                       weight: p + layer.attentionOutWeight.offset, outputWidth: h, output: scratch)
        Kernels.layerNorm(scratch, rows: rows, width: h,
                          gamma: p + layer.attentionNormGamma.offset, beta: p + layer.attentionNormBeta.offset,
                          epsilon: c.layerNormEpsilon, into: residual)
    }

    /// Feed-forward block with residual and LayerNorm over `rows` rows of `hidden` (read and overwritten):
    /// intermediate = act(hidden · W1 + b1); scratch = hidden + b2 + intermediate · W2; hidden = LayerNorm(scratch).
    private func feedForward(
        _ layer: LayerSlots, rows: Int, hidden: UnsafeMutablePointer<Float>, intermediate: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>, p: UnsafePointer<Float>
    ) {
        let c = configuration
        let h = c.hiddenSize, inner = c.intermediateSize
        Kernels.broadcastRows(p + layer.intermediateBias.offset, rows: rows, width: inner, into: intermediate)
        Kernels.linear(blas, input: hidden, rows: rows, inputWidth: h,
                       weight: p + layer.intermediateWeight.offset, outputWidth: inner, output: intermediate)
        Kernels.activate(intermediate, count: rows * inner, activation: c.activation)
        Kernels.addBiasRows(hidden, bias: p + layer.outputBias.offset, rows: rows, width: h, into: scratch)
        Kernels.linear(blas, input: intermediate, rows: rows, inputWidth: inner,
                       weight: p + layer.outputWeight.offset, outputWidth: h, output: scratch)
        Kernels.layerNorm(scratch, rows: rows, width: h,
                          gamma: p + layer.outputNormGamma.offset, beta: p + layer.outputNormBeta.offset,
                          epsilon: c.layerNormEpsilon, into: hidden)
    }

    /// The last layer for the first row of each sequence only (see ``OutputRows/firstOfEachSequence``): keys and
    /// values of every token, everything else for the `[CLS]` rows, left in `regions.firstHidden`.
    private func lastLayerFirstRows(
        _ layer: LayerSlots, sequences: ArraySlice<[Int]>, starts: [Int], tokens total: Int,
        buffer: UnsafeMutablePointer<Float>, regions: Regions, p: UnsafePointer<Float>
    ) {
        let c = configuration
        let h = c.hiddenSize, h2 = 2 * h, h3 = 3 * h, d = c.headSize
        let count = sequences.count
        let scale = 1 / Float(d).squareRoot()
        let hidden = buffer + regions.hidden, qkv = buffer + regions.qkv, scores = buffer + regions.scores
        let firstHidden = buffer + regions.firstHidden, query = buffer + regions.firstQuery
        let context = buffer + regions.firstContext, scratch = buffer + regions.firstScratch
        let qkvWeight = p + layer.qkvWeight.offset, qkvBias = p + layer.qkvBias.offset

        // Keys and values of every token: qkv[:, h..<3h] = bias + hidden · W[h..<3h]ᵀ.
        for r in 0..<total { (qkv + r * h3 + h).update(from: qkvBias + h, count: h2) }
        Kernels.linear(blas, input: hidden, rows: total, inputWidth: h, weight: qkvWeight + h * h, outputWidth: h2,
                       output: qkv + h, outputStride: h3)
        // Queries of the first rows only.
        for (index, start) in starts.enumerated() {
            (firstHidden + index * h).update(from: hidden + start * h, count: h)
        }
        Kernels.broadcastRows(qkvBias, rows: count, width: h, into: query)
        Kernels.linear(blas, input: firstHidden, rows: count, inputWidth: h, weight: qkvWeight, outputWidth: h, output: query)
        // One query row against the sequence's keys and values.
        for (index, sequence) in sequences.enumerated() {
            let keys = qkv + starts[index] * h3 + h
            Kernels.attention(blas, query: query + index * h, ldq: h, queryRows: 1, keys: keys, values: keys + h, ldkv: h3,
                              length: sequence.count, heads: c.headCount, headSize: d, scale: scale,
                              context: context + index * h, ldc: h, scratch: scores)
        }
        attentionOutput(layer, rows: count, context: context, residual: firstHidden, scratch: scratch, p: p)
        feedForward(layer, rows: count, hidden: firstHidden, intermediate: buffer + regions.intermediate, scratch: scratch, p: p)
    }

    /// Logits of the classification head for the `[CLS]` row at `cls`.
    func classify(cls: UnsafePointer<Float>, head: ClassifierSlots) -> [Float] {
        let h = configuration.hiddenSize
        let parameters = weights.storage
        defer { withExtendedLifetime(parameters) {} }
        let p = UnsafePointer(parameters.base)
        var pooled = [Float](repeating: 0, count: h)
        let (firstWeight, firstBias, weight, bias, classes): (ParameterSlot, ParameterSlot, ParameterSlot, ParameterSlot, Int)
        switch head {
        case .bert(let pw, let pb, let w, let b, let n): (firstWeight, firstBias, weight, bias, classes) = (pw, pb, w, b, n)
        case .distilbert(let pw, let pb, let w, let b, let n): (firstWeight, firstBias, weight, bias, classes) = (pw, pb, w, b, n)
        }
        var logits = [Float](repeating: 0, count: classes)
        pooled.withUnsafeMutableBufferPointer { pooledBuffer in
            let pooledPointer = pooledBuffer.baseAddress!
            pooledPointer.update(from: p + firstBias.offset, count: h)
            Kernels.linear(blas, input: cls, rows: 1, inputWidth: h, weight: p + firstWeight.offset, outputWidth: h, output: pooledPointer)
            switch head {
            case .bert:
                for i in 0..<h { pooledPointer[i] = tanhf(pooledPointer[i]) }
            case .distilbert:
                Kernels.activate(pooledPointer, count: h, activation: .relu)
            }
            logits.withUnsafeMutableBufferPointer { logitBuffer in
                let out = logitBuffer.baseAddress!
                out.update(from: p + bias.offset, count: classes)
                Kernels.linear(blas, input: pooledPointer, rows: 1, inputWidth: h, weight: p + weight.offset,
                               outputWidth: classes, output: out)
            }
        }
        return logits
    }
}
