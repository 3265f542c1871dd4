import CryptoModels
import ProviderWire
import Testing

@Suite("alternative.me parser")
struct AlternativeMeParserTests {
    @Test("/fng/?limit=2 → 69 Greed then 71 Greed, newest first, string values and timestamps")
    func fearGreed() throws {
        let entries = try AlternativeMeParser.parseFearGreed(try Fixture.bytes("alternative_me/fng_limit2.json"))
        #expect(entries == [FearGreedEntry(value: 69, classification: "Greed", ts: 1_788_825_600_000),
                            FearGreedEntry(value: 71, classification: "Greed", ts: 1_788_739_200_000)])
    }

    @Test("metadata.error is a provider error; empty data is an empty result; bad values are malformed")
    func errors() {
        let error = wireError { try AlternativeMeParser.parseFearGreed(utf8(#"{"name":"Fear and Greed Index","data":[],"metadata":{"error":"Invalid limit"}}"#)) }
        #expect(error == .providerError(provider: .alternativeMe, code: nil, message: "Invalid limit"))
        let empty = wireError { try AlternativeMeParser.parseFearGreed(utf8(#"{"data":[],"metadata":{"error":null}}"#)) }
        guard case .emptyResult(.alternativeMe, _)? = empty else { Issue.record("got \(String(describing: empty))"); return }
        let range = wireError { try AlternativeMeParser.parseFearGreed(utf8(#"{"data":[{"value":"101","value_classification":"x","timestamp":"1"}]}"#)) }
        #expect(range?.description.contains("outside 0–100") == true)
        let type = wireError { try AlternativeMeParser.parseFearGreed(utf8(#"{"data":[{"value":"sixty","value_classification":"x","timestamp":"1"}]}"#)) }
        #expect(type?.description.contains("`value` of entry 0 to be an integer") == true)
    }
}
