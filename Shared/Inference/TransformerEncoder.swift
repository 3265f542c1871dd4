import Foundation

/// Reusable activation buffers for one forward pass, grown on demand and kept between calls.
struct Workspace: Sendable {
    /// All activations, back to back (see ``TransformerEncoder/forward(_:workspace:readout:)`` for the layout).
    var storage: [Float] = []

    /// Makes room for `count` floats.
    mutating func reserve(_ count: Int) {
        if storage.count < count { storage = [Float](repeating: 0, count: count) }
    }
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

    /// Floats of workspace a chunk of `tokens` tokens whose longest sequence is `longest` needs.
    func workspaceSize(tokens: Int, longest: Int) -> Int {
        let h = configuration.hiddenSize
        return tokens * (h * 6 + configuration.intermediateSize) + longest * longest
    }

    /// Runs the encoder over `sequences` (valid ids, each of length `1...maxPositionEmbeddings`) and hands
    /// `readout` the final hidden states, `[tokens, hidden]` row-major, with each sequence's first row.
    func forward<R>(
        _ sequences: ArraySlice<[Int]>, workspace: inout Workspace,
        readout: (_ hidden: UnsafePointer<Float>, _ starts: [Int]) throws -> R
    ) rethrows -> R {
        let c = configuration
        let h = c.hiddenSize, h3 = 3 * h, inner = c.intermediateSize, d = c.headSize
        var starts: [Int] = []
        starts.reserveCapacity(sequences.count)
        var total = 0
        var longest = 0
        for sequence in sequences {
            starts.append(total)
            total += sequence.count
            longest = max(longest, sequence.count)
        }
        workspace.reserve(workspaceSize(tokens: total, longest: longest))
        let scale = 1 / Float(d).squareRoot()
        let epsilon = c.layerNormEpsilon

        return try weights.storage.withUnsafeBufferPointer { parameterBuffer in
            let p = parameterBuffer.baseAddress!
            return try workspace.storage.withUnsafeMutableBufferPointer { buffer in
                let hidden = buffer.baseAddress!
                let qkv = hidden + total * h
                let context = qkv + total * h3
                let scratch = context + total * h
                let intermediate = scratch + total * h
                let scores = intermediate + total * inner

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

                for layer in weights.layers {
                    // Fused Q|K|V projection: qkv = bias; qkv += hidden · Wqkvᵀ.
                    Kernels.broadcastRows(p + layer.qkvBias.offset, rows: total, width: h3, into: qkv)
                    Kernels.linear(blas, input: hidden, rows: total, inputWidth: h,
                                   weight: p + layer.qkvWeight.offset, outputWidth: h3, output: qkv)
                    // Attention per sequence and head, at the sequence's own length.
                    for (index, sequence) in sequences.enumerated() {
                        let length = sequence.count
                        let rows = qkv + starts[index] * h3
                        for head in 0..<c.headCount {
                            let q = rows + head * d
                            Kernels.gemm(blas, m: length, n: length, k: d, a: q, lda: h3, b: q + h, ldb: h3, transposeB: true,
                                         c: scores, ldc: length, alpha: scale)
                            Kernels.softmaxRows(scores, rows: length, width: length)
                            Kernels.gemm(blas, m: length, n: d, k: length, a: scores, lda: length, b: q + 2 * h, ldb: h3,
                                         c: context + starts[index] * h + head * d, ldc: h)
                        }
                    }
                    // Output projection with residual: scratch = hidden + bias; scratch += context · Wo; LayerNorm.
                    Kernels.addBiasRows(hidden, bias: p + layer.attentionOutBias.offset, rows: total, width: h, into: scratch)
                    Kernels.linear(blas, input: context, rows: total, inputWidth: h,
                                   weight: p + layer.attentionOutWeight.offset, outputWidth: h, output: scratch)
                    Kernels.layerNorm(scratch, rows: total, width: h,
                                      gamma: p + layer.attentionNormGamma.offset, beta: p + layer.attentionNormBeta.offset,
                                      epsilon: epsilon, into: hidden)
                    // Feed-forward: intermediate = act(hidden · W1 + b1); scratch = hidden + b2 + intermediate · W2.
                    Kernels.broadcastRows(p + layer.intermediateBias.offset, rows: total, width: inner, into: intermediate)
                    Kernels.linear(blas, input: hidden, rows: total, inputWidth: h,
                                   weight: p + layer.intermediateWeight.offset, outputWidth: inner, output: intermediate)
                    Kernels.activate(intermediate, count: total * inner, activation: c.activation)
                    Kernels.addBiasRows(hidden, bias: p + layer.outputBias.offset, rows: total, width: h, into: scratch)
                    Kernels.linear(blas, input: intermediate, rows: total, inputWidth: inner,
                                   weight: p + layer.outputWeight.offset, outputWidth: h, output: scratch)
                    Kernels.layerNorm(scratch, rows: total, width: h,
                                      gamma: p + layer.outputNormGamma.offset, beta: p + layer.outputNormBeta.offset,
                                      epsilon: epsilon, into: hidden)
                }
                return try readout(hidden, starts)
            }
        }
    }

    /// Logits of the classification head for the `[CLS]` row at `cls`.
    func classify(cls: UnsafePointer<Float>, head: ClassifierSlots) -> [Float] {
        let h = configuration.hiddenSize
        return weights.storage.withUnsafeBufferPointer { parameterBuffer in
            let p = parameterBuffer.baseAddress!
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
}
