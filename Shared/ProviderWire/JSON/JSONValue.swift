import CryptoModels
import Foundation

/// A JSON document held losslessly: numbers keep their literal text, objects keep their key order.
///
/// Produced by ``JSONParser``. Decimal quantities are read through ``amount`` straight from the literal digits,
/// so a price such as `"9811.9724285486045699"` or `2.70016521312815e+15` never passes through `Double`.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as the exact literal text that appeared in the document (e.g. `"2.70016521312815e+15"`).
    case number(String)
    /// A string, with escapes decoded.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, in document key order.
    case object(JSONObject)
}

extension JSONValue {
    /// The member named `key` when this is an object that has one; otherwise `nil`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The element at `index` when this is an array and the index is in range; otherwise `nil`.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The string when this is a JSON string (numbers are not converted).
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The boolean when this is `true` or `false`.
    public var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The elements when this is an array.
    public var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The object when this is an object.
    public var object: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The literal text of a number, or the trimmed text of a string that holds a decimal literal.
    public var numericText: String? {
        switch self {
        case .number(let text): return DecimalLiteral.isValid(text) ? text : nil
        case .string(let text):
            let trimmed = DecimalLiteral.trimmed(text)
            return DecimalLiteral.isValid(trimmed) ? trimmed : nil
        default: return nil
        }
    }

    /// The exact decimal value of a number or numeric string (`70187`, `"60685.22000000"`, `2.7e+15`).
    ///
    /// Parsed from the literal digits, never through `Double`; `nil` for anything else (including `null`).
    public var amount: Amount? {
        numericText.flatMap(DecimalLiteral.decimal(fromValidated:)).map(Amount.init)
    }

    /// The value as a 64-bit integer when a number or numeric string is integral and in range
    /// (`1634943780000`, `"1788825600"`, `1.0e3`); `nil` for fractions, overflow and non-numbers.
    public var int64: Int64? {
        guard let text = numericText else { return nil }
        if let direct = Int64(text) { return direct }
        // Exponent or fraction forms: an integral decimal prints without a dot, anything else fails `Int64(_:)`.
        guard let decimal = DecimalLiteral.decimal(fromValidated: text) else { return nil }
        return Int64(decimal.description)
    }

    /// ``int64`` narrowed to `Int`.
    public var int: Int? { int64.flatMap { Int(exactly: $0) } }

    /// The value as a `Double`, for percentages and scores only (never for money).
    public var double: Double? {
        guard let text = numericText, let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
