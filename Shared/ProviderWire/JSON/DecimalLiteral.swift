import Foundation

/// Exact conversion of decimal literals (`"-0.5"`, `"9811.9724285486045699"`, `"2.70016521312815e+15"`) to `Decimal`.
///
/// Values with up to 19 significant digits are assembled from an integer significand and a power of ten
/// (exact, and faster than `Decimal(string:)`); longer ones fall back to Foundation's parser, which keeps
/// 38 digits. Nothing here goes through `Double`.
enum DecimalLiteral {
    /// `text` without surrounding ASCII spaces, tabs and line breaks.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last,
              isSpace(first) || isSpace(last) else { return text }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }),
              let end = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[start...end])
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Whether `text` is a decimal literal: optional sign, digits with an optional single dot (digits on at
    /// least one side), optional exponent with optional sign and at least one digit.
    static func isValid(_ text: String) -> Bool {
        var iterator = text.utf8.makeIterator()
        var byte = iterator.next()
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") { byte = iterator.next() }
        var digits = 0
        while let current = byte, current &- 0x30 < 10 { digits += 1; byte = iterator.next() }
        if byte == UInt8(ascii: ".") {
            byte = iterator.next()
            while let current = byte, current &- 0x30 < 10 { digits += 1; byte = iterator.next() }
        }
        guard digits > 0 else { return false }
        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            byte = iterator.next()
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") { byte = iterator.next() }
            var exponentDigits = 0
            while let current = byte, current &- 0x30 < 10 { exponentDigits += 1; byte = iterator.next() }
            guard exponentDigits > 0 else { return false }
        }
        return byte == nil
    }

    /// The exact value of a literal already known to satisfy ``isValid(_:)``; `nil` when out of `Decimal`'s range.
    static func decimal(fromValidated text: String) -> Decimal? {
        var significand: UInt64 = 0
        var significantDigits = 0
        var scale = 0            // digits after the dot that went into `significand`
        var negative = false
        var exponent = 0
        var overflow = false
        var iterator = text.utf8.makeIterator()
        var byte = iterator.next()
        if byte == UInt8(ascii: "-") { negative = true; byte = iterator.next() } else if byte == UInt8(ascii: "+") { byte = iterator.next() }
        var afterDot = false
        while let current = byte {
            if current == UInt8(ascii: ".") {
                afterDot = true
            } else if current &- 0x30 < 10 {
                let digit = UInt64(current &- 0x30)
                if significand == 0 && digit == 0 {
                    if afterDot { scale += 1 }
                } else if significantDigits < 19 {
                    significand = significand * 10 + digit
                    significantDigits += 1
                    if afterDot { scale += 1 }
                } else {
                    overflow = true
                }
            } else {
                break
            }
            byte = iterator.next()
        }
        if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            var exponentNegative = false
            byte = iterator.next()
            if byte == UInt8(ascii: "-") { exponentNegative = true; byte = iterator.next() } else if byte == UInt8(ascii: "+") { byte = iterator.next() }
            while let current = byte, current &- 0x30 < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(current &- 0x30) }
                byte = iterator.next()
            }
            if exponentNegative { exponent = -exponent }
        }
        if significand == 0 && !overflow { return Decimal(0) }
        let power = exponent - scale
        if overflow || power <= -100 || power >= 100 {
            // More than 19 significant digits, or an extreme exponent: Foundation keeps up to 38 digits
            // and answers `nil` when the value is outside `Decimal`'s range.
            let unsigned = text.utf8.first == UInt8(ascii: "+") ? String(text.dropFirst()) : text
            guard let value = Decimal(string: unsigned), !value.isNaN else { return nil }
            return value
        }
        return Decimal(sign: negative ? .minus : .plus, exponent: power, significand: Decimal(significand))
    }
}
