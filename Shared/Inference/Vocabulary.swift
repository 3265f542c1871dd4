import Foundation

/// A WordPiece vocabulary: token strings and their ids.
///
/// Tokens are matched by their exact UTF-8 bytes (as Hugging Face `tokenizers` does), never by Swift's
/// canonical-equivalence `String` comparison, so precomposed and decomposed spellings stay distinct.
public struct Vocabulary: Sendable, Equatable {
    /// Token text by id.
    public let tokens: [String]
    private let idsByBytes: [[UInt8]: Int]

    /// Number of ids (the largest id plus one).
    public var count: Int { tokens.count }

    /// Builds a vocabulary from tokens listed in id order. A token listed twice maps to its later id,
    /// as with Hugging Face's `vocab.txt` loader.
    public init(tokens: [String]) {
        self.tokens = tokens
        var map: [[UInt8]: Int] = [:]
        map.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            map[Array(token.utf8)] = index
        }
        self.idsByBytes = map
    }

    /// Builds a vocabulary from a token → id map (as in `tokenizer.json`'s `model.vocab`).
    /// - Throws: ``InferenceError/invalidVocabulary(reason:)`` when ids are negative or leave gaps.
    public init(idsByToken: [String: Int]) throws {
        guard let maxID = idsByToken.values.max() else {
            throw InferenceError.invalidVocabulary(reason: "tokenizer.json vocabulary is empty")
        }
        var tokens = [String?](repeating: nil, count: maxID + 1)
        for (token, id) in idsByToken {
            guard id >= 0 else { throw InferenceError.invalidVocabulary(reason: "negative id \(id) for '\(token)'") }
            tokens[id] = token
        }
        var resolved: [String] = []
        resolved.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            guard let token else { throw InferenceError.invalidVocabulary(reason: "no token has id \(id)") }
            resolved.append(token)
        }
        self.init(tokens: resolved)
    }

    /// Reads a `vocab.txt` file: one token per line, the line number (from 0) being its id; trailing
    /// whitespace (including `\r`) is trimmed, as Hugging Face `tokenizers` does.
    /// - Throws: ``InferenceError/missingFile(path:)``, ``InferenceError/unreadableFile(path:reason:)`` or
    ///   ``InferenceError/invalidVocabulary(reason:)`` for an empty file.
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw InferenceError.missingFile(path: url.path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw InferenceError.unreadableFile(path: url.path, reason: "\(error)")
        }
        guard String(data: data, encoding: .utf8) != nil else {
            throw InferenceError.invalidVocabulary(reason: "\(url.lastPathComponent) is not valid UTF-8")
        }
        // Split on LF bytes (Swift's `Character` view would treat CRLF as one character), then trim
        // trailing whitespace such as `\r`.
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line -> String in
            let text = String(decoding: line, as: UTF8.self)
            var scalars = text.unicodeScalars[...]
            while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
            return String(String.UnicodeScalarView(scalars))
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else {
            throw InferenceError.invalidVocabulary(reason: "\(url.lastPathComponent) holds no tokens")
        }
        self.init(tokens: lines)
    }

    /// The id of a token given as UTF-8 bytes, if present.
    @inline(__always)
    public func id(forBytes bytes: [UInt8]) -> Int? { idsByBytes[bytes] }

    /// The id of a token, if present (exact byte match).
    public func id(for token: String) -> Int? { idsByBytes[Array(token.utf8)] }

    /// The token for an id, or `nil` when the id is out of range.
    public func token(for id: Int) -> String? {
        tokens.indices.contains(id) ? tokens[id] : nil
    }

    /// Vocabularies compare by their token lists.
    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool { lhs.tokens == rhs.tokens }
}
