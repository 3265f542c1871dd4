import Foundation

/// Where one parameter lives inside ``TransformerWeights/storage``.
struct ParameterSlot: Sendable, Equatable {
    /// Index of the first element.
    var offset: Int
    /// Number of elements.
    var count: Int
}

/// The parameters of one transformer layer, arranged for ``Kernels/linear(_:input:rows:inputWidth:weight:outputWidth:output:)``:
/// weight matrices keep PyTorch's `[out, in]` layout (rows contiguous along the input, which OpenBLAS's
/// small-matrix kernels read without packing), and the query, key and value projections are fused into one
/// `[3·hidden, hidden]` matrix with a `[3·hidden]` bias, so a layer starts with a single projection.
struct LayerSlots: Sendable, Equatable {
    /// Fused query|key|value projection `[3·hidden, hidden]` and its bias.
    var qkvWeight: ParameterSlot, qkvBias: ParameterSlot
    /// Attention output projection `[hidden, hidden]` and its bias.
    var attentionOutWeight: ParameterSlot, attentionOutBias: ParameterSlot
    /// LayerNorm after the attention block.
    var attentionNormGamma: ParameterSlot, attentionNormBeta: ParameterSlot
    /// First feed-forward projection `[intermediate, hidden]` and its bias.
    var intermediateWeight: ParameterSlot, intermediateBias: ParameterSlot
    /// Second feed-forward projection `[hidden, intermediate]` and its bias.
    var outputWeight: ParameterSlot, outputBias: ParameterSlot
    /// LayerNorm after the feed-forward block.
    var outputNormGamma: ParameterSlot, outputNormBeta: ParameterSlot
}

/// The sequence-classification head, if the weights carry one.
enum ClassifierSlots: Sendable, Equatable {
    /// `BertForSequenceClassification`: pooler dense + tanh on `[CLS]`, then the classifier.
    case bert(poolerWeight: ParameterSlot, poolerBias: ParameterSlot, weight: ParameterSlot, bias: ParameterSlot, classes: Int)
    /// `DistilBertForSequenceClassification`: pre-classifier + ReLU on `[CLS]`, then the classifier.
    case distilbert(preWeight: ParameterSlot, preBias: ParameterSlot, weight: ParameterSlot, bias: ParameterSlot, classes: Int)

    /// Number of output classes.
    var classCount: Int {
        switch self {
        case .bert(_, _, _, _, let classes), .distilbert(_, _, _, _, let classes): return classes
        }
    }
}

/// All parameters of an encoder in one contiguous `Float` array, decoded from safetensors (F32, F16 or BF16)
/// and validated against the configuration's shapes.
struct TransformerWeights: Sendable {
    /// Every parameter, back to back, each starting on a 64-byte boundary (see ``AlignedFloats``).
    let storage: AlignedFloats
    /// Word embeddings `[vocabulary, hidden]`, outside ``storage`` and shared by every engine in the process whose
    /// table is identical (see ``SharedFloats``).
    let wordEmbeddings: SharedFloats
    /// Absolute position embeddings `[maxPositions, hidden]`.
    let positionEmbeddings: ParameterSlot
    /// Row 0 of the token-type embeddings (single-segment inputs), or `nil` for DistilBERT.
    let tokenTypeEmbedding: ParameterSlot?
    /// Embedding LayerNorm gain.
    let embeddingNormGamma: ParameterSlot
    /// Embedding LayerNorm bias.
    let embeddingNormBeta: ParameterSlot
    /// The transformer layers, in order.
    let layers: [LayerSlots]
    /// The sequence-classification head, when the checkpoint has one.
    let classifier: ClassifierSlots?

    /// Loads and arranges the weights of `configuration` from `file`.
    init(file: SafeTensorsFile, configuration c: ModelConfiguration) throws {
        var builder = Builder(file: file)
        let h = c.hiddenSize
        switch c.architecture {
        case .bert:
            let p = builder.prefix(candidates: ["bert.", ""], probe: "embeddings.word_embeddings.weight")
            wordEmbeddings = SharedFloats.interned(
                try file.floats(p + "embeddings.word_embeddings.weight", shape: [c.vocabularySize, h]))
            positionEmbeddings = try builder.matrix(p + "embeddings.position_embeddings.weight", rows: c.maxPositionEmbeddings, columns: h)
            let types = try builder.file.floats(p + "embeddings.token_type_embeddings.weight", shape: [c.typeVocabularySize, h])
            tokenTypeEmbedding = builder.append(Array(types.prefix(h)))
            (embeddingNormGamma, embeddingNormBeta) = try builder.layerNorm(p + "embeddings.LayerNorm", size: h)
            layers = try (0..<c.layerCount).map { index in
                let l = "\(p)encoder.layer.\(index)."
                let (qkvW, qkvB) = try builder.fusedLinear(
                    [l + "attention.self.query", l + "attention.self.key", l + "attention.self.value"], input: h, output: h)
                let (aoW, aoB) = try builder.linear(l + "attention.output.dense", input: h, output: h)
                let (anG, anB) = try builder.layerNorm(l + "attention.output.LayerNorm", size: h)
                let (iW, iB) = try builder.linear(l + "intermediate.dense", input: h, output: c.intermediateSize)
                let (oW, oB) = try builder.linear(l + "output.dense", input: c.intermediateSize, output: h)
                let (onG, onB) = try builder.layerNorm(l + "output.LayerNorm", size: h)
                return LayerSlots(qkvWeight: qkvW, qkvBias: qkvB, attentionOutWeight: aoW, attentionOutBias: aoB,
                                  attentionNormGamma: anG, attentionNormBeta: anB, intermediateWeight: iW, intermediateBias: iB,
                                  outputWeight: oW, outputBias: oB, outputNormGamma: onG, outputNormBeta: onB)
            }
            if file.tensors["classifier.weight"] != nil {
                let classes = try builder.outputCount("classifier.weight", input: h)
                let (pw, pb) = try builder.linear(p + "pooler.dense", input: h, output: h)
                let (cw, cb) = try builder.linear("classifier", input: h, output: classes)
                classifier = .bert(poolerWeight: pw, poolerBias: pb, weight: cw, bias: cb, classes: classes)
            } else {
                classifier = nil
            }
        case .distilbert:
            let p = builder.prefix(candidates: ["distilbert.", ""], probe: "embeddings.word_embeddings.weight")
            wordEmbeddings = SharedFloats.interned(
                try file.floats(p + "embeddings.word_embeddings.weight", shape: [c.vocabularySize, h]))
            positionEmbeddings = try builder.matrix(p + "embeddings.position_embeddings.weight", rows: c.maxPositionEmbeddings, columns: h)
            tokenTypeEmbedding = nil
            (embeddingNormGamma, embeddingNormBeta) = try builder.layerNorm(p + "embeddings.LayerNorm", size: h)
            layers = try (0..<c.layerCount).map { index in
                let l = "\(p)transformer.layer.\(index)."
                let (qkvW, qkvB) = try builder.fusedLinear(
                    [l + "attention.q_lin", l + "attention.k_lin", l + "attention.v_lin"], input: h, output: h)
                let (aoW, aoB) = try builder.linear(l + "attention.out_lin", input: h, output: h)
                let (anG, anB) = try builder.layerNorm(l + "sa_layer_norm", size: h)
                let (iW, iB) = try builder.linear(l + "ffn.lin1", input: h, output: c.intermediateSize)
                let (oW, oB) = try builder.linear(l + "ffn.lin2", input: c.intermediateSize, output: h)
                let (onG, onB) = try builder.layerNorm(l + "output_layer_norm", size: h)
                return LayerSlots(qkvWeight: qkvW, qkvBias: qkvB, attentionOutWeight: aoW, attentionOutBias: aoB,
                                  attentionNormGamma: anG, attentionNormBeta: anB, intermediateWeight: iW, intermediateBias: iB,
                                  outputWeight: oW, outputBias: oB, outputNormGamma: onG, outputNormBeta: onB)
            }
            if file.tensors["classifier.weight"] != nil {
                let classes = try builder.outputCount("classifier.weight", input: h)
                let (pw, pb) = try builder.linear("pre_classifier", input: h, output: h)
                let (cw, cb) = try builder.linear("classifier", input: h, output: classes)
                classifier = .distilbert(preWeight: pw, preBias: pb, weight: cw, bias: cb, classes: classes)
            } else {
                classifier = nil
            }
        }
        storage = AlignedFloats(builder.storage)
    }

    /// Accumulates decoded parameters into one array.
    private struct Builder {
        let file: SafeTensorsFile
        var storage: [Float] = []

        /// Appends a decoded parameter at the next 64-byte boundary and returns where it lives.
        mutating func append(_ values: [Float]) -> ParameterSlot {
            let start = AlignedFloats.padded(storage.count)
            if start > storage.count { storage.append(contentsOf: repeatElement(0, count: start - storage.count)) }
            let slot = ParameterSlot(offset: start, count: values.count)
            storage.append(contentsOf: values)
            return slot
        }

        /// The first prefix under which `probe` exists (defaults to the first candidate, so the
        /// missing-tensor error names the expected full name).
        func prefix(candidates: [String], probe: String) -> String {
            candidates.first { file.tensors[$0 + probe] != nil } ?? candidates[0]
        }

        /// A `[rows, columns]` matrix stored as is.
        mutating func matrix(_ name: String, rows: Int, columns: Int) throws -> ParameterSlot {
            append(try file.floats(name, shape: [rows, columns]))
        }

        /// The number of outputs of a `[out, input]` weight whose `out` is not known from the config.
        func outputCount(_ name: String, input: Int) throws -> Int {
            guard let info = file.tensors[name], info.shape.count == 2, info.shape[1] == input, info.shape[0] > 0 else {
                throw InferenceError.shapeMismatch(name: name, expected: [-1, input], actual: file.tensors[name]?.shape ?? [])
            }
            return info.shape[0]
        }

        /// A `torch.nn.Linear` (`weight [out, in]`, `bias [out]`).
        mutating func linear(_ name: String, input: Int, output: Int) throws -> (ParameterSlot, ParameterSlot) {
            let weight = try file.floats(name + ".weight", shape: [output, input])
            let bias = try file.floats(name + ".bias", shape: [output])
            return (append(weight), append(bias))
        }

        /// Several linears over the same input stacked into one `[n·out, in]` matrix and `[n·out]` bias.
        mutating func fusedLinear(_ names: [String], input: Int, output: Int) throws -> (ParameterSlot, ParameterSlot) {
            let weights = try names.map { try file.floats($0 + ".weight", shape: [output, input]) }
            let biases = try names.map { try file.floats($0 + ".bias", shape: [output]) }
            return (append(weights.flatMap { $0 }), append(biases.flatMap { $0 }))
        }

        /// A LayerNorm's `weight`/`bias` (or the legacy `gamma`/`beta` names).
        mutating func layerNorm(_ name: String, size: Int) throws -> (ParameterSlot, ParameterSlot) {
            let legacy = file.tensors[name + ".weight"] == nil && file.tensors[name + ".gamma"] != nil
            let gamma = try file.floats(name + (legacy ? ".gamma" : ".weight"), shape: [size])
            let beta = try file.floats(name + (legacy ? ".beta" : ".bias"), shape: [size])
            return (append(gamma), append(beta))
        }
    }
}
