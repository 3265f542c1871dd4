import Foundation

/// The outcome of sequence classification for one text: logits, softmax probabilities and the top label.
public struct Classification: Sendable, Equatable {
    /// Raw scores, one per class.
    public let logits: [Float]
    /// Softmax of the logits.
    public let probabilities: [Float]
    /// Class names, parallel to the logits.
    public let labels: [String]
    /// Index of the most probable class.
    public let labelIndex: Int
    /// Name of the most probable class (`LABEL_i` when no name was given for it).
    public var label: String { labels.indices.contains(labelIndex) ? labels[labelIndex] : "LABEL_\(labelIndex)" }
    /// Probability of the most probable class (0 when there are no logits).
    public var score: Float { probabilities.indices.contains(labelIndex) ? probabilities[labelIndex] : 0 }

    /// Derives probabilities and the top class from `logits` (the engine passes one label per logit).
    public init(logits: [Float], labels: [String]) {
        self.logits = logits
        self.labels = labels
        self.probabilities = Self.softmax(logits)
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        self.labelIndex = best
    }

    /// Numerically stable softmax.
    public static func softmax(_ values: [Float]) -> [Float] {
        guard let maximum = values.max() else { return [] }
        let exps = values.map { expf($0 - maximum) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// Probability of the class named `label`, if the model has it.
    public func probability(of label: String) -> Float? {
        labels.firstIndex(of: label).map { probabilities[$0] }
    }
}
