import Foundation
import HTTPTypes
import Hummingbird
import ReplayUpstream
import Testing

/// `Tests/Fixtures/replay/routes.json`: every entry is loadable and is served as declared.
@Suite(.timeLimit(.minutes(1))) struct RoutesFileTests {
    @Test func everyCaptureInTheManifestHasARoute() throws {
        let routes = try ReplayTestSupport.makeServer().store.fileRoutes
        let referenced = Set(routes.compactMap(\.spec.file))
        // Rows of Tests/Fixtures/MANIFEST.md: "| coingecko/simple_price.json | GET https://… |".
        let manifest = try String(contentsOf: ReplayTestSupport.fixtures.appendingPathComponent("MANIFEST.md"), encoding: .utf8)
        let listed = manifest.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| ") else { return nil }
            let cell = line.dropFirst(2).prefix { $0 != " " && $0 != "|" }
            // Hand-written shapes (written/…) are parser fixtures, not captures the replay serves.
            return cell.contains("/") && !cell.hasPrefix("written/") ? String(cell) : nil
        }
        #expect(listed.count == 27)
        #expect(Set(listed).subtracting(referenced).sorted() == [])
        #expect(referenced.subtracting(listed).sorted() == [])
        for file in listed {
            let url = ReplayTestSupport.fixtures.appendingPathComponent(file)
            #expect(FileManager.default.fileExists(atPath: url.path), "\(file)")
        }
    }

    @Test func everyDirectRouteIsServedWithItsStatusAndExactBytes() async throws {
        try await ReplayTestSupport.withServer { server, probe in
            let routes = server.store.fileRoutes.filter { $0.faultKind == nil }
            #expect(routes.count >= 28)
            for route in routes {
                let uri = Self.requestURI(for: route.spec)
                let response = try await probe.get(uri)
                let expected = try ReplayTestSupport.fixture(try #require(route.spec.file))
                #expect(response.status == route.status, "\(uri)")
                #expect(response.bytes == expected, "\(uri)")
                let wantedType = route.spec.headers?["content-type"] ?? ""
                #expect(response.header("content-type") == wantedType, "\(uri)")
                #expect(wantedType.hasPrefix(route.spec.file?.hasSuffix(".xml") == true ? "application/rss+xml" : "application/json"))
                if let retryAfter = route.spec.headers?["retry-after"] {
                    #expect(response.header("retry-after") == retryAfter, "\(uri)")
                }
            }
            let hits = try await probe.hits()
            #expect(hits.total == routes.count)
            #expect(hits.log.allSatisfy { $0.status != 404 })
        }
    }

    @Test func everyFaultRouteIsServedWhenItsFaultHits() async throws {
        try await ReplayTestSupport.withServer { server, probe in
            let routes = server.store.fileRoutes.filter { $0.faultKind != nil }
            #expect(routes.count == 4)
            for route in routes {
                let path = route.pattern.isPrefix ? route.pattern.text + "some/endpoint" : route.pattern.text
                let fault = route.faultKind == .rateLimit
                    ? #"{"path": "\#(path)", "fault": "rate_limit", "times": 1}"#
                    : #"{"path": "\#(path)", "fault": "status", "status": \#(route.status), "times": 1}"#
                #expect(try await probe.post("/_control/faults", json: fault).status == 201)
                let response = try await probe.get(path)
                #expect(response.status == route.status, "\(path)")
                #expect(response.bytes == (try ReplayTestSupport.fixture(try #require(route.spec.file))), "\(path)")
                if let retryAfter = route.spec.headers?["retry-after"] {
                    #expect(response.header("retry-after") == retryAfter)
                }
                #expect(try await probe.hits().log.last?.route == route.spec.name)
                // Once the fault is used up, the same request is not answered by the fault-only route.
                _ = try await probe.get(path)
                let last = try #require(try await probe.hits().log.last)
                #expect(last.fault == nil)
                #expect(last.route != route.spec.name)
            }
        }
    }

    @Test func providerPrefixesMatchTheBaseURLConvention() throws {
        let routes = try ReplayTestSupport.makeServer().store.fileRoutes
        let prefixes = Set(routes.map { $0.pattern.text.split(separator: "/").first.map(String.init) ?? "" })
        #expect(prefixes == [
            "alternative_me", "binance", "coincap", "coingecko", "cryptocompare", "defillama", "kraken", "rss",
        ])
        #expect(routes.filter { $0.pattern.text.hasPrefix("/coingecko/") && !$0.pattern.isPrefix }
            .allSatisfy { $0.pattern.text.hasPrefix("/coingecko/api/v3/") })
    }

    /// A request that selects the route: its required query values, `*` filled with a real-looking value,
    /// absent parameters left out.
    static func requestURI(for spec: RouteSpec) -> String {
        let parts = (spec.query ?? [:]).sorted { $0.key < $1.key }.compactMap { name, expectation -> String? in
            switch expectation {
            case .equals(let value):
                let encoded = value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? value
                return "\(name)=\(encoded)"
            case .present: return "\(name)=1"
            case .absent: return nil
            }
        }
        return parts.isEmpty ? spec.path : spec.path + "?" + parts.joined(separator: "&")
    }
}
