import CryptoModels

/// Shared plumbing of the provider parsers: decoding the body and building descriptive errors.
struct WireContext {
    /// The provider whose responses this context reads (named in every error).
    let provider: WireProvider

    /// A context for `provider`.
    init(_ provider: WireProvider) { self.provider = provider }

    /// Parses `body` as JSON, turning a syntax error into ``ProviderWireError/malformedBody(provider:reason:)``.
    /// The reason quotes the start of the body when it looks like text (an HTML error page, a plain message).
    func json(_ body: some Collection<UInt8>) throws(ProviderWireError) -> JSONValue {
        do {
            return try JSONParser.parse(body)
        } catch {
            let head = Array(body.prefix(80))
            let printable = !head.isEmpty && head.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            let snippet = printable ? " (body starts: \(String(decoding: head, as: UTF8.self).replacing("\n", with: " ")))" : ""
            throw .malformedBody(provider: provider, reason: "not JSON: \(error.description)\(snippet)")
        }
    }

    /// A malformed-body error with `reason`.
    func malformed(_ reason: String) -> ProviderWireError {
        .malformedBody(provider: provider, reason: reason)
    }

    /// `value` unwrapped, or a malformed-body error saying what was expected.
    func require<T>(_ value: T?, _ expected: @autoclosure () -> String) throws(ProviderWireError) -> T {
        guard let value else { throw malformed("expected \(expected())") }
        return value
    }

    /// The elements of `value` when it is an array.
    func array(_ value: JSONValue?, _ what: @autoclosure () -> String) throws(ProviderWireError) -> [JSONValue] {
        guard let elements = value?.array else { throw malformed("expected \(what()) to be an array, got \(Self.kind(value))") }
        return elements
    }

    /// The members of `value` when it is an object.
    func object(_ value: JSONValue?, _ what: @autoclosure () -> String) throws(ProviderWireError) -> JSONObject {
        guard let object = value?.object else { throw malformed("expected \(what()) to be an object, got \(Self.kind(value))") }
        return object
    }

    /// An exact amount from a number or numeric string.
    func amount(_ value: JSONValue?, _ what: @autoclosure () -> String) throws(ProviderWireError) -> Amount {
        guard let amount = value?.amount else { throw malformed("expected \(what()) to be a decimal number, got \(Self.kind(value))") }
        return amount
    }

    /// An integer from a number or numeric string.
    func int64(_ value: JSONValue?, _ what: @autoclosure () -> String) throws(ProviderWireError) -> Int64 {
        guard let number = value?.int64 else { throw malformed("expected \(what()) to be an integer, got \(Self.kind(value))") }
        return number
    }

    /// A string.
    func string(_ value: JSONValue?, _ what: @autoclosure () -> String) throws(ProviderWireError) -> String {
        guard let text = value?.string else { throw malformed("expected \(what()) to be a string, got \(Self.kind(value))") }
        return text
    }

    /// Short name of a value's JSON type for error messages.
    static func kind(_ value: JSONValue?) -> String {
        switch value {
        case nil: "nothing (missing)"
        case .null?: "null"
        case .bool?: "a boolean"
        case .number(let text)?: "the number \(text.prefix(24))"
        case .string(let text)?: "the string \"\(text.prefix(24))\""
        case .array(let elements)?: "an array of \(elements.count)"
        case .object?: "an object"
        }
    }
}

/// Candle-list normalisation shared by every OHLC parser.
enum CandleNormalizer {
    /// Candles sorted by ascending open time; of several rows with the same open time the last one in the
    /// input wins (exact duplicates therefore collapse to one).
    static func normalize(_ candles: [Candle]) -> [Candle] {
        guard candles.count > 1 else { return candles }
        var alreadySorted = true
        for index in 1..<candles.count where candles[index - 1].openTime >= candles[index].openTime {
            alreadySorted = false
            break
        }
        if alreadySorted { return candles }
        let ordered = candles.enumerated().sorted { lhs, rhs in
            lhs.element.openTime != rhs.element.openTime ? lhs.element.openTime < rhs.element.openTime : lhs.offset < rhs.offset
        }
        var result: [Candle] = []
        result.reserveCapacity(candles.count)
        for (_, candle) in ordered {
            if let last = result.last, last.openTime == candle.openTime {
                result[result.count - 1] = candle
            } else {
                result.append(candle)
            }
        }
        return result
    }

    /// Points sorted by ascending time, the last of several points with the same time winning.
    static func normalize(_ points: [PricePoint]) -> [PricePoint] {
        guard points.count > 1 else { return points }
        let ordered = points.enumerated().sorted { lhs, rhs in
            lhs.element.ts != rhs.element.ts ? lhs.element.ts < rhs.element.ts : lhs.offset < rhs.offset
        }
        var result: [PricePoint] = []
        result.reserveCapacity(points.count)
        for (_, point) in ordered {
            if let last = result.last, last.ts == point.ts { result[result.count - 1] = point } else { result.append(point) }
        }
        return result
    }
}
