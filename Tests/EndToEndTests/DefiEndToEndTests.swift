import Contracts
import CryptoModels
import Foundation
import RPC
import Testing
import TestSupport

/// defi-svc as a real process against replay-upstream, with store-svc and the gateway: fresh answers from the real
/// `/protocols` capture, the 1 h cache, stale serving and 503s naming DefiLlama, strict input checks.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DefiEndToEndTests {
    static func data(_ object: [String: Any]) -> [String: Any] { object["data"] as? [String: Any] ?? [:] }
    static func meta(_ object: [String: Any]) -> [String: Any] { object["meta"] as? [String: Any] ?? [:] }
    static func rows(_ object: [String: Any], _ key: String = "protocols") -> [[String: Any]] { data(object)[key] as? [[String: Any]] ?? [] }

    @Test("concurrent first requests make one upstream call; the cache then answers chain and include variants without another")
    func freshThenCache() async throws {
        try await DefiStack.with { stack in
            // Ten concurrent first requests while DefiLlama is slow: one upstream call (single-flight).
            try await stack.control(.POST, "faults", #"{"path": "/defillama/protocols", "fault": "latency", "latency_ms": 1000, "times": 1}"#)
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let response = try await stack.json("/api/defi?limit=3")
                        return "\(response.status) cached=\(Self.meta(response.object)["cached"] as? Bool ?? true)"
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // Those that arrived during the slow fetch share its fresh answer; later ones (on a busy machine the tasks
            // may start after the fetch) are cache hits. Either way the upstream saw one call (checked below).
            #expect(answers.allSatisfy { $0.hasPrefix("200 ") } && answers.contains("200 cached=false"), "\(answers)")
            let first = try await stack.json("/api/defi?limit=3")
            #expect(first.status == 200)
            let top = Self.rows(first.object)
            #expect(top.map { $0["slug"] as? String } == ["curve", "makerdao", "aave"])
            #expect(top.first?["tvl"] as? String == "16890071630.01999")
            #expect((top.first?["extra_tvls"] as? [String: Any])?["staking"] as? String == "1230076577.1211379")
            #expect(Self.data(first.object)["total_tvl"] as? String == "106925877842.224824")
            #expect(Self.data(first.object)["matched"] as? Int == 10)
            #expect(Self.meta(first.object)["source"] as? String == "defillama")
            #expect(Self.meta(first.object)["cached"] as? Bool == true)
            #expect(Self.meta(first.object)["stale"] as? Bool == false)
            let maxAge = first.headers.first(name: "cache-control").flatMap { Int($0.split(separator: "=").last ?? "") } ?? 0
            #expect((3_500...3_600).contains(maxAge), "max-age \(maxAge)")

            let staked = try await stack.json("/api/defi?chain=ethereum&include=staking&limit=2")
            #expect(staked.status == 200)
            #expect(Self.rows(staked.object).map { $0["slug"] as? String } == ["curve", "makerdao"])
            #expect(Self.rows(staked.object).first?["chain_tvl"] as? String == "15972494579.1140879")
            #expect(Self.data(staked.object)["chain"] as? String == "Ethereum")
            #expect(Self.meta(staked.object)["cached"] as? Bool == true)
            let plain = try await stack.json("/api/defi?chain=Ethereum&limit=1")
            #expect(Self.rows(plain.object).first?["slug"] as? String == "makerdao")
            let protocolHits = try await stack.hits("/defillama/protocols")
            #expect(protocolHits == 1)

            let chains = try await stack.json("/api/defi/chains")
            #expect(Self.rows(chains.object, "chains").map { $0["name"] as? String } == ["Ethereum", "Hypothetical"])
            #expect(Self.rows(chains.object, "chains").first?["tvl"] as? String == "65998652431.40251")
            #expect(Self.data(chains.object)["total_tvl"] as? String == "65998653665.90251")
            let detail = try await stack.json("/api/defi/protocols/AAVE?include=staking,borrowed")
            #expect(detail.status == 200)
            let aave = Self.data(detail.object)["protocol"] as? [String: Any] ?? [:]
            #expect(aave["tvl"] as? String == "5350000000.5")
            #expect((aave["chain_tvls"] as? [String: Any])?["Ethereum"] as? String == "3450000000.5")
        }
    }

    @Test("bad input through the gateway is problem+json with stable types; unknown chain and protocol are 404s")
    func badInput() async throws {
        try await DefiStack.with { stack in
            let cases: [(String, Int, String)] = [
                ("/api/defi?limit=0", 400, "invalid-parameter"), ("/api/defi?limit=501", 400, "invalid-parameter"),
                ("/api/defi?limit=ten", 400, "invalid-parameter"), ("/api/defi?include=bribes", 400, "invalid-parameter"),
                ("/api/defi?chain=%3Cscript%3E", 400, "invalid-parameter"),
                ("/api/defi/tvl-chart?days=0", 400, "invalid-parameter"), ("/api/defi/tvl-chart?days=3651", 400, "invalid-parameter"),
                ("/api/defi/history/aave?days=0", 400, "invalid-parameter"),
                ("/api/defi?chain=Narnia", 404, "unknown-chain"), ("/api/defi/tvl-chart?chain=Narnia", 404, "unknown-chain"),
                ("/api/defi/protocols/no-such-protocol", 404, "unknown-protocol"),
                ("/api/defi/history/no-such-protocol?days=30", 404, "unknown-protocol"),
            ]
            for (path, status, type) in cases {
                let response = try await stack.get(path)
                #expect(response.status == status, "\(path): \(response.body)")
                #expect(response.headers.first(name: "content-type")?.hasPrefix("application/problem+json") == true, "\(path)")
                let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any] ?? [:]
                #expect(object["type"] as? String == type, "\(path): \(response.body)")
                #expect(object["request_id"] as? String != nil, "\(path)")
            }
            let unknownProtocolHits = try await stack.hits("/defillama/protocol/no-such-protocol")
            #expect(unknownProtocolHits == 0, "an unknown slug is refused from the cached list, without a call")
        }
    }

    @Test("DefiLlama failing: 503 naming it when nothing is cached; last-known data flagged stale once cached; health says so")
    func upstreamFailure() async throws {
        try await DefiStack.with(["DEFI_TTL": "0.3"]) { stack in
            try await stack.control(.POST, "faults", #"{"path": "/defillama/*", "fault": "status", "status": 500}"#)
            let down = try await stack.json("/api/defi")
            #expect(down.status == 503)
            #expect(down.object["type"] as? String == "upstream-unavailable")
            let providers = down.object["providers"] as? [[String: Any]] ?? []
            #expect(providers.first?["name"] as? String == "defillama")
            #expect(providers.first?["error"] as? String == "http-status")
            #expect(providers.first?["status"] as? Int == 500)
            #expect(down.headers.first(name: "retry-after") != nil)

            try await stack.control(.DELETE, "faults")
            let fresh = try await stack.json("/api/defi?limit=1")
            #expect(fresh.status == 200)
            #expect(Self.meta(fresh.object)["stale"] as? Bool == false)
            try await Task.sleep(for: .milliseconds(400))
            try await stack.control(.POST, "faults", #"{"path": "/defillama/*", "fault": "status", "status": 500}"#)
            let stale = try await stack.json("/api/defi?limit=1")
            #expect(stale.status == 200)
            #expect(Self.meta(stale.object)["stale"] as? Bool == true)
            #expect(Self.meta(stale.object)["source"] as? String == "defillama")
            #expect(Self.rows(stale.object).first?["tvl"] as? String == "16890071630.01999")
            #expect(stale.headers.first(name: "cache-control") == "no-cache")
            let health = try await stack.get("/api/health")
            #expect(health.body.contains("provider:defillama"))
            #expect(health.body.contains("\"detail\":\"last error: http-status: defillama"))
        }
    }
}
