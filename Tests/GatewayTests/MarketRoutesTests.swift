import CryptoModels
@testable import Gateway
import Testing

@Suite("Market route helpers")
struct MarketRoutesTests {
    @Test("the fast ISO-8601 formatter matches Foundation's", arguments: [
        Int64(0), 1_711_356_300_000, 1_762_820_160_123, 951_782_400_999, 4_102_444_799_999, -1, -86_400_001,
    ])
    func iso(ms: Int64) {
        #expect(FastISO8601.string(ms) == Timestamps.iso8601(ms))
    }

    @Test("2024-03-25T08:45:00.000Z")
    func knownValue() {
        #expect(FastISO8601.string(1_711_356_300_000) == "2024-03-25T08:45:00.000Z")
    }
}
