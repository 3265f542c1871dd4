import Contracts
import CryptoModels
import Foundation

/// Fast, exact conversion between `Amount` and the canonical decimal text the store keeps (`Amount.description`).
///
/// On Linux, `Decimal.description` and `Decimal(string:)` cost 5–9 µs each, which made them the bulk of the cost
/// of writing and reading candles (five decimals per row). Stored decimals are almost always plain literals with
/// at most 19 significant digits (`"60685.22"`; `"9811.9724285486045699"` has 20 and takes the slow path), so an
/// integer significand and a power-of-ten exponent represent them exactly; anything else falls back to the
/// Foundation conversions. Tests check both directions against `Amount.description` / `Amount(parsing:)`.
enum DecimalText {
    /// Largest significand the fast paths handle (19 nines: fits in `UInt64`).
    static let maxFastSignificand = Decimal(UInt64(9_999_999_999_999_999_999))

    /// The canonical text of `amount`, identical to `amount.description`.
    static func text(_ amount: Amount) -> String {
        let value = amount.value
        guard !value.isNaN else { return amount.description }
        let significand = value.significand
        guard significand <= maxFastSignificand else { return amount.description }
        let mantissa = NSDecimalNumber(decimal: significand).uint64Value
        if mantissa == 0 { return "0" }
        let exponent = value.exponent
        // A non-compact value (trailing zeros left in the significand) is rare; let Foundation print it.
        if exponent < 0, mantissa % 10 == 0 { return amount.description }
        let digits = String(mantissa)
        var text = value.sign == .minus ? "-" : ""
        if exponent >= 0 {
            guard exponent <= 40 else { return amount.description }
            text += digits
            text += String(repeating: "0", count: exponent)
        } else {
            let fraction = -exponent
            if digits.count > fraction {
                let split = digits.index(digits.endIndex, offsetBy: -fraction)
                text += digits[..<split]
                text += "."
                text += digits[split...]
            } else {
                text += "0."
                text += String(repeating: "0", count: fraction - digits.count)
                text += digits
            }
        }
        return text
    }

    /// Parses `text` into an amount; `nil` when it is not a decimal literal.
    static func amount(_ text: String) -> Amount? {
        if let fast = fastDecimal(text) { return Amount(fast) }
        return Amount(parsing: text)
    }

    /// The fast path: `[-]digits[.digits]` with at most 19 significant digits; `nil` for anything else.
    static func fastDecimal(_ text: String) -> Decimal? {
        var negative = false
        var mantissa: UInt64 = 0
        var significant = 0
        var fractionDigits = 0
        var sawDot = false
        var sawDigit = false
        var first = true
        for byte in text.utf8 {
            defer { first = false }
            switch byte {
            case UInt8(ascii: "-") where first:
                negative = true
            case UInt8(ascii: "."):
                guard !sawDot else { return nil }
                sawDot = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigit = true
                let digit = UInt64(byte - UInt8(ascii: "0"))
                if sawDot { fractionDigits += 1 }
                if mantissa == 0 && digit == 0 { continue } // leading zero
                guard significant < 19 else { return nil }
                mantissa = mantissa * 10 + digit
                significant += 1
            default:
                return nil
            }
        }
        guard sawDigit else { return nil }
        guard mantissa != 0 else { return Decimal.zero }
        // Drop trailing fraction zeros so the value has the same canonical form as `Decimal(string:)`.
        while fractionDigits > 0, mantissa % 10 == 0 {
            mantissa /= 10
            fractionDigits -= 1
        }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fractionDigits, significand: Decimal(mantissa))
    }
}
