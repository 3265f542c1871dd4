import CryptoModels
@testable import Gateway
import Testing

@Suite("Market route helpers")
struct MarketRoutesTests {
    @Test("the fast ISO-8601 formatter matches Foundation's on whole seconds", arguments: [
        Int64(0), 1_711_356_300_000, 951_782_400_000, 4_102_444_799_000, -86_400_000, 1_762_820_160_000,
    ])
    func wholeSeconds(ms: Int64) {
        #expect(FastISO8601.string(ms) == Timestamps.iso8601(ms))
    }

    @Test("exact milliseconds (Foundation's Double path rounds .123 down to .122; this does not)", arguments: [
        (Int64(1_762_820_160_123), "2025-11-11T00:16:00.123Z"), (951_782_400_999, "2000-02-29T00:00:00.999Z"),
        (-1, "1969-12-31T23:59:59.999Z"), (1_711_356_300_000, "2024-03-25T08:45:00.000Z"),
    ])
    func exact(ms: Int64, text: String) {
        #expect(FastISO8601.string(ms) == text)
    }
}
