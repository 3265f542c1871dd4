import Foundation

/// BERT's text normalisation and pre-tokenisation, matching Hugging Face `tokenizers`' `BertNormalizer`
/// followed by `BertPreTokenizer`:
///
/// 1. clean text: drop U+0000, U+FFFD and control/format/private-use scalars; map whitespace to spaces;
/// 2. put spaces around CJK ideographs;
/// 3. strip accents (NFD, then drop non-spacing marks) — before lower-casing, as `tokenizers` does;
/// 4. lower-case scalar by scalar (full, context-free mappings);
/// 5. split on whitespace, and isolate every punctuation scalar (ASCII punctuation or Unicode `P*`).
struct BasicTokenizer: Sendable {
    /// The settings in force.
    let configuration: TokenizerConfiguration

    /// Normalises `text` and splits it into words (arrays of scalars).
    func words(_ text: some StringProtocol) -> [[Unicode.Scalar]] {
        let normalized = normalize(text)
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in normalized {
            if Self.isWhitespace(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
            } else if Self.isPunctuation(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Applies steps 1–4 and returns the normalised scalars.
    func normalize(_ text: some StringProtocol) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            if configuration.cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
                if Self.isWhitespace(scalar) { scalars.append(" "); continue }
            }
            if configuration.tokenizeChineseChars && Self.isChineseCharacter(scalar) {
                scalars.append(" ")
                scalars.append(scalar)
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        if configuration.effectiveStripAccents {
            scalars = Self.stripAccents(scalars)
        }
        if configuration.lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(scalars.count)
            for scalar in scalars {
                if scalar.isASCII {
                    lowered.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value + 32)! : scalar)
                } else if scalar.properties.changesWhenLowercased {
                    lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                } else {
                    lowered.append(scalar)
                }
            }
            scalars = lowered
        }
        return scalars
    }

    /// Canonical decomposition (NFD) followed by removal of non-spacing marks (`Mn`).
    static func stripAccents(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // Fast path: ASCII has no decompositions and no marks.
        if scalars.allSatisfy(\.isASCII) { return scalars }
        let string = String(String.UnicodeScalarView(scalars))
        let decomposed = string.decomposedStringWithCanonicalMapping
        return decomposed.unicodeScalars.filter { legacyCategory($0) != .nonspacingMark }
    }

    /// Whitespace as `tokenizers` defines it: tab, newline, carriage return, or the `White_Space` property.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        case 0..<0x80: return scalar.value == 0x0B || scalar.value == 0x0C
        default: return scalar.properties.isWhitespace
        }
    }

    /// Control characters as `tokenizers` behaves: general categories `Cc`, `Cf` and `Co`, except tab,
    /// newline and carriage return. (Unassigned scalars are kept: `tokenizers` turns them into `[UNK]`.)
    @inline(__always)
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x20..<0x7F: return false
        default:
            switch legacyCategory(scalar) {
            case .control, .format, .privateUse: return true
            default: return false
            }
        }
    }

    /// Punctuation as BERT defines it: any ASCII punctuation (including `$`, `+`, `<`, `=`, `>`, `^`, `` ` ``,
    /// `|`, `~`) or a scalar of a Unicode punctuation category (`Pc`, `Pd`, `Ps`, `Pe`, `Pi`, `Pf`, `Po`).
    @inline(__always)
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 {
            return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126)
        }
        switch legacyCategory(scalar) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The Unicode version of the category tables `tokenizers` uses (its `unicode_categories` dependency):
    /// scalars assigned later are "unassigned" there, so they are neither marks, controls nor punctuation.
    static let categoryTableVersion: (major: Int, minor: Int) = (8, 0)

    /// Scalars whose general category changed after Unicode 8.0, with their 8.0 category.
    /// (Checked exhaustively against `tokenizers` 0.23 over every scalar; the one remaining difference is
    /// U+11938, which Foundation decomposes under NFD and `tokenizers`' older normalisation tables do not.)
    static let legacyCategoryOverrides: [UInt32: Unicode.GeneralCategory] = [
        0x166D: .otherPunctuation, 0x1734: .nonspacingMark, 0x1885: .otherLetter, 0x1886: .otherLetter,
        0xA9BD: .spacingMark, 0x111C9: .otherPunctuation, 0x1171E: .nonspacingMark,
    ]

    /// The general category as `tokenizers` sees it: `.unassigned` for scalars newer than its tables.
    @inline(__always)
    static func legacyCategory(_ scalar: Unicode.Scalar) -> Unicode.GeneralCategory {
        if (0x166D...0x1171E).contains(scalar.value), let legacy = legacyCategoryOverrides[scalar.value] {
            return legacy
        }
        let properties = scalar.properties
        guard let age = properties.age,
              age.major < categoryTableVersion.major
                || (age.major == categoryTableVersion.major && age.minor <= categoryTableVersion.minor)
        else { return .unassigned }
        return properties.generalCategory
    }

    /// CJK Unified Ideographs blocks (and compatibility ideographs) as listed by BERT.
    @inline(__always)
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x20000...0x2A6DF).contains(v) || (0x2A700...0x2B73F).contains(v)
            || (0x2B740...0x2B81F).contains(v) || (0x2B920...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}
