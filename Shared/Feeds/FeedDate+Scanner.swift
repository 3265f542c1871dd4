extension FeedDate {
    /// A forward-only cursor over the UTF-8 bytes of a date string.
    struct Scanner {
        private let bytes: [UInt8]
        /// The current position.
        private(set) var index = 0

        /// A scanner at the start of `text`.
        init(_ text: String) { bytes = Array(text.utf8) }

        /// Whether every byte has been consumed.
        var atEnd: Bool { index >= bytes.count }

        /// Skips spaces and tabs (and line breaks, which appear in pretty-printed feeds).
        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A
                || bytes[index] == 0x0D { index += 1 }
        }

        /// Skips spaces, tabs and `-` between date parts.
        mutating func skipSeparators() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
        }

        /// Consumes `literal` (one ASCII character) if it is next.
        @discardableResult
        mutating func skip(_ literal: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(truncatingIfNeeded: literal.value) else { return false }
            index += 1
            return true
        }

        /// Skips to (not past) the next `byte`, or to the end.
        mutating func skipUntil(_ byte: UInt8) {
            while index < bytes.count, bytes[index] != byte { index += 1 }
        }

        /// Consumes a run of ASCII letters.
        mutating func word() -> String? {
            let start = index
            while index < bytes.count, (bytes[index] | 0x20) >= UInt8(ascii: "a"), (bytes[index] | 0x20) <= UInt8(ascii: "z") {
                index += 1
            }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }

        /// Consumes 1…`maxDigits` digits; `nil` (nothing consumed) when there are none or more than `maxDigits`.
        mutating func number(maxDigits: Int) -> Int? {
            let start = index
            var value = 0
            while index < bytes.count, index - start < maxDigits, isDigit(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            if index == start || (index < bytes.count && isDigit(bytes[index])) { index = start; return nil }
            return value
        }

        /// Consumes exactly `count` digits (more digits may follow, as in the offset `+0530`).
        mutating func exactNumber(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for k in index..<index + count {
                guard isDigit(bytes[k]) else { return nil }
                value = value * 10 + Int(bytes[k] - 0x30)
            }
            index += count
            return value
        }

        /// Consumes `+` (1) or `-` (-1).
        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }

        /// Consumes an offset `HHMM`, `HH:MM` or `HH` and returns it in minutes.
        mutating func numericOffset() -> Int? {
            guard let hours = exactNumber(2), hours <= 23 else { return nil }
            skip(":")
            guard index < bytes.count, isDigit(bytes[index]) else { return hours * 60 }
            guard let minutes = exactNumber(2), minutes <= 59 else { return nil }
            return hours * 60 + minutes
        }

        /// Consumes a run of fraction digits and returns the first three as milliseconds (truncated).
        mutating func fraction() -> Int {
            var millis = 0, digits = 0
            while index < bytes.count, isDigit(bytes[index]) {
                if digits < 3 { millis = millis * 10 + Int(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            for _ in Swift.min(digits, 3)..<3 { millis *= 10 }
            return millis
        }

        private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    }
}
