@testable import Gateway
import Testing

/// The byte-level query scans the auth middleware runs on every limited request.
@Suite("auth query scans")
struct QueryScanTests {
    @Test("a parameter's raw value is found only as a whole name followed by '='")
    func parameterValue() {
        #expect(AuthMiddleware.parameter("symbols", in: "symbols=BTC,ETH") == "BTC,ETH")
        #expect(AuthMiddleware.parameter("symbols", in: "vs=usd&symbols=BTC%2CETH&x=1") == "BTC%2CETH")
        #expect(AuthMiddleware.parameter("symbols", in: "symbols=") == "")
        #expect(AuthMiddleware.parameter("symbols", in: "symbolsx=BTC&symbol=ETH") == nil)
        #expect(AuthMiddleware.parameter("symbols", in: "symbols") == nil)
        #expect(AuthMiddleware.parameter("symbols", in: "a=1&&symbols=SOL&symbols=ADA") == "SOL")
        #expect(AuthMiddleware.parameter("symbols", in: "") == nil)
    }

    @Test("items are counted as the split-and-filter of the text would count them")
    func itemCounts() {
        #expect(AuthMiddleware.itemCount("BTC,ETH") == 2)
        #expect(AuthMiddleware.itemCount("BTC,,ETH,") == 2)
        #expect(AuthMiddleware.itemCount(" , + ,BTC") == 1)
        #expect(AuthMiddleware.itemCount("") == 0)
        #expect(AuthMiddleware.itemCount("é,日本") == 2)
    }
}
