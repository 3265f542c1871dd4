@testable import Gateway
import Testing

/// The byte-level scans and header writing the auth middleware runs on every limited request.
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

    @Test("credential names in the query are found case-insensitively, percent-encoded or not, only as whole names")
    func credentialNames() {
        #expect(AuthMiddleware.credentialParameter(in: "api_key=x") == "api_key")
        #expect(AuthMiddleware.credentialParameter(in: "symbols=BTC&API_KEY=x") == "api_key")
        #expect(AuthMiddleware.credentialParameter(in: "a=1&&Access_Token=2") == "access_token")
        #expect(AuthMiddleware.credentialParameter(in: "api%5Fkey=1") == "api_key")
        #expect(AuthMiddleware.credentialParameter(in: "%54oken=1") == "token")
        #expect(AuthMiddleware.credentialParameter(in: "key") == "key")
        #expect(AuthMiddleware.credentialParameter(in: "symbols=BTC,ETH") == nil)
        #expect(AuthMiddleware.credentialParameter(in: "apikeys=1&keys=2&x=api_key") == nil)
        #expect(AuthMiddleware.credentialParameter(in: "=x&&") == nil)
        #expect(AuthMiddleware.credentialParameter(in: "") == nil)
    }

    @Test("the one-pass symbols scan agrees with parameter lookup and item count, and defers encoded lists")
    func symbolsScans() {
        func scan(_ query: String) -> AuthMiddleware.SymbolsScan {
            var text = query
            return text.withUTF8 { AuthMiddleware.symbolsScan($0) }
        }
        #expect(scan("symbols=BTC,ETH") == .count(2))
        #expect(scan("vs=usd&symbols=BTC,,ETH,&x=1") == .count(2))
        #expect(scan("symbols= , + ,BTC") == .count(1))
        #expect(scan("symbols=") == .count(0))
        #expect(scan("a=1&&symbols=SOL&symbols=ADA,BTC") == .count(1))
        #expect(scan("symbolsx=BTC&symbol=ETH") == .absent)
        #expect(scan("symbols") == .absent)
        #expect(scan("") == .absent)
        #expect(scan("symbols=BTC%2CETH") == .encoded)
        #expect(scan("symbols=é,日本") == .count(2))
    }

    @Test("credential names are still found behind the first pass: every name, any case, encoded, after others")
    func credentialFirstPass() {
        for name in AuthMiddleware.credentialParameters {
            #expect(AuthMiddleware.credentialParameter(in: "symbols=BTC&\(name.uppercased())=1") == name)
            #expect(AuthMiddleware.credentialParameter(in: "\(name)") == name)
        }
        #expect(AuthMiddleware.credentialParameter(in: "%6Bey=1") == "key")
        #expect(AuthMiddleware.credentialParameter(in: "kex=1&abc=2&tokens=3&symbols=api_key") == nil)
    }

    @Test("tier ordinals index Tier.allCases")
    func tierOrdinals() {
        #expect(Tier.allCases.enumerated().allSatisfy { $0.offset == $0.element.ordinal })
    }

    @Test("the Bearer token is taken as the split-lowercase-trim parsing took it")
    func bearerTokens() {
        #expect(AuthMiddleware.bearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(AuthMiddleware.bearerToken("bearer    abc.def.ghi  ") == "abc.def.ghi")
        #expect(AuthMiddleware.bearerToken("BEARER abc") == "abc")
        #expect(AuthMiddleware.bearerToken("Bearer") == nil)
        #expect(AuthMiddleware.bearerToken("Bearer   ") == nil)
        #expect(AuthMiddleware.bearerToken("Basic dXNlcjpwYXNz") == nil)
        #expect(AuthMiddleware.bearerToken("Bearerx abc") == nil)
        #expect(AuthMiddleware.bearerToken("Bearer\tabc") == nil)
        #expect(AuthMiddleware.bearerToken("") == nil)
    }

    @Test("the RateLimit value is written byte by byte as the interpolated text was")
    func rateLimitValue() {
        func window(_ name: String, _ quota: Int, _ remaining: Int, _ reset: Int) -> RateDecision.Window {
            .init(name: name, quota: quota, windowSeconds: name == "day" ? 86_400 : 60, remaining: remaining, resetSeconds: reset)
        }
        let both = RateDecision(allowed: true, minute: window("minute", 30, 29, 2), day: window("day", 1_000, 999, 43_200),
                                retryAfterSeconds: 0)
        #expect(RateLimitHeaders.stateValue(both) == #""minute";r=29;t=2, "day";r=999;t=43200"#)
        #expect(both.binding?.name == "minute")
        let dayOnly = RateDecision(allowed: false, minute: nil, day: window("day", 50_000, 0, 86_400), retryAfterSeconds: 86_400)
        #expect(RateLimitHeaders.stateValue(dayOnly) == #""day";r=0;t=86400"#)
        #expect(dayOnly.windows.map(\.name) == ["day"])
        let minuteOnly = RateDecision(allowed: true, minute: window("minute", 1_000_000_000, 999_999_999, 1), day: nil, retryAfterSeconds: 0)
        #expect(RateLimitHeaders.stateValue(minuteOnly) == #""minute";r=999999999;t=1"#)
        // The day binds when it has fewer requests left; the minute on ties.
        let tight = RateDecision(allowed: true, minute: window("minute", 30, 5, 50), day: window("day", 1_000, 4, 100), retryAfterSeconds: 0)
        #expect(tight.binding?.name == "day")
        let tie = RateDecision(allowed: true, minute: window("minute", 30, 4, 50), day: window("day", 1_000, 4, 100), retryAfterSeconds: 0)
        #expect(tie.binding?.name == "minute")
        var digits: [UInt8] = []
        for value in [0, 7, 10, 99, 100, 101, 86_400, Int.max] {
            digits.removeAll()
            RateLimitHeaders.appendDecimal(value, to: &digits)
            #expect(String(decoding: digits, as: UTF8.self) == String(value))
            #expect(RateLimitHeaders.decimal(value) == String(value))
        }
    }
}
