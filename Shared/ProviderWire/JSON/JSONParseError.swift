/// Why a document is not valid JSON, and where: the byte offset of the offending input.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// The input has no bytes (or only whitespace).
        case emptyInput
        /// The input ended inside a value.
        case unexpectedEnd(expected: String)
        /// A byte that cannot start or continue what was expected.
        case unexpectedByte(UInt8, expected: String)
        /// A number that does not follow the JSON grammar (leading zeros, missing digits, …).
        case invalidNumber
        /// A backslash escape that JSON does not define, or a malformed `\u` escape.
        case invalidEscape
        /// A raw control character (below U+0020) inside a string.
        case controlCharacterInString
        /// Arrays and objects nested deeper than the limit.
        case tooDeep(limit: Int)
        /// Non-whitespace input after the top-level value.
        case trailingData
    }

    /// Byte offset (from 0) where the problem was found.
    public let offset: Int
    /// What went wrong.
    public let reason: Reason

    /// Creates an error at `offset`.
    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    /// A one-line explanation, e.g. `invalid JSON at byte 17: unexpected '}' (expected a value)`.
    public var description: String {
        let detail: String
        switch reason {
        case .emptyInput: detail = "empty input"
        case .unexpectedEnd(let expected): detail = "unexpected end of input (expected \(expected))"
        case .unexpectedByte(let byte, let expected): detail = "unexpected \(Self.show(byte)) (expected \(expected))"
        case .invalidNumber: detail = "malformed number"
        case .invalidEscape: detail = "invalid escape sequence in string"
        case .controlCharacterInString: detail = "unescaped control character in string"
        case .tooDeep(let limit): detail = "nesting deeper than \(limit) levels"
        case .trailingData: detail = "unexpected data after the JSON value"
        }
        return "invalid JSON at byte \(offset): \(detail)"
    }

    private static func show(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}
