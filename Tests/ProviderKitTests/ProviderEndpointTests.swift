@testable import ProviderKit
import Testing

@Suite("ProviderEndpoint")
struct ProviderEndpointTests {
    @Test("API keys go in the header or query the provider wants, and never into the redacted request name")
    func keysNeverInMessages() async {
        let http = ProviderHTTP()
        let header = ProviderEndpoint(configuration: .init(name: "cryptocompare", baseURL: "http://127.0.0.1:9/cc/",
                                                           apiKey: "s3cret", keyPlacement: .header(name: "authorization", format: "Apikey %@")),
                                      http: http)
        let (url, redacted, headers) = header.request("/data/pricemultifull", query: [("fsyms", "BTC,ETH"), ("tsyms", "USD")])
        #expect(url == "http://127.0.0.1:9/cc/data/pricemultifull?fsyms=BTC,ETH&tsyms=USD")
        #expect(redacted == "cryptocompare:/data/pricemultifull?fsyms=BTC,ETH&tsyms=USD")
        #expect(headers.count == 1 && headers[0].0 == "authorization" && headers[0].1 == "Apikey s3cret")

        let query = ProviderEndpoint(configuration: .init(name: "x", baseURL: "http://h", apiKey: "k3y", keyPlacement: .query(name: "api_key")),
                                     http: http)
        let (url2, redacted2, headers2) = query.request("/p", query: [("symbols", "[\"BTCUSDT\"]")])
        #expect(url2 == "http://h/p?symbols=%5B%22BTCUSDT%22%5D&api_key=k3y")
        #expect(!redacted2.contains("k3y"))
        #expect(headers2.isEmpty)
        await http.shutdown()
    }

    @Test("a refused connection is a transport failure that counts for the breaker; an open breaker refuses without calling")
    func breakerAndTransport() async {
        let http = ProviderHTTP()
        // A generous timeout: a refused connection fails at once, and a busy test machine must not turn it into a timeout.
        let endpoint = ProviderEndpoint(configuration: .init(name: "dead", baseURL: "http://127.0.0.1:1", timeout: .seconds(30),
                                                             breakerThreshold: 1,
                                                             breakerCoolDown: .seconds(60), retry: .none),
                                        http: http)
        do {
            _ = try await endpoint.get("/x") { _ in 1 }
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .transport)
            #expect(error.provider == "dead")
        }
        do {
            _ = try await endpoint.get("/x") { _ in 1 }
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .breakerOpen)
        }
        #expect(endpoint.healthCheck().status == .healthy)
        #expect(endpoint.healthCheck(openStatus: .degraded).status == .degraded)
        #expect(endpoint.healthCheck().detail == "circuit open")
        #expect(endpoint.healthCheck().observed?["breaker"] == "open")
        await http.shutdown()
    }
}
