import Foundation

/// An exact decimal quantity (a price, a volume, a supply), never routed through `Double`.
///
/// On the wire an `Amount` is a JSON string such as `"9811.9724285486045699"`. Decoding also accepts a
/// JSON number, whose literal digits are parsed as a decimal, so providers that send numbers lose nothing.
public struct Amount: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The exact value.
    public var value: Decimal

    /// Wraps a decimal value.
    public init(_ value: Decimal) { self.value = value }

    /// Parses a decimal literal (`"70187"`, `"-0.5"`, `"2.70016521312815e+15"`); `nil` when it is not a number.
    public init?(parsing text: some StringProtocol) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, Amount.isDecimalLiteral(trimmed),
              let decimal = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX")),
              !decimal.isNaN
        else { return nil }
        self.value = decimal
    }

    /// The canonical text of the value, e.g. `"70187.5"`.
    public var description: String { value.description }

    public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let amount = Amount(parsing: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a decimal: \(text)")
            }
            self = amount
        } else {
            self.value = try container.decode(Decimal.self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Whether `text` is a plain decimal literal: optional sign, digits with at most one dot, optional exponent.
    static func isDecimalLiteral(_ text: String) -> Bool {
        var sawDigit = false, sawDot = false, sawExponent = false, previous: Character = " "
        for (index, char) in text.enumerated() {
            switch char {
            case "0"..."9": sawDigit = true
            case "+", "-":
                guard index == 0 || previous == "e" || previous == "E" else { return false }
            case ".":
                guard !sawDot, !sawExponent else { return false }
                sawDot = true
            case "e", "E":
                guard sawDigit, !sawExponent else { return false }
                sawExponent = true
                sawDigit = false
            default: return false
            }
            previous = char
        }
        return sawDigit
    }
}

extension Amount: ExpressibleByIntegerLiteral {
    /// An integral amount, e.g. `let zero: Amount = 0`.
    public init(integerLiteral value: Int) { self.value = Decimal(value) }
}
