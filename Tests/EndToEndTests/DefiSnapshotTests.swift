import Contracts
import CryptoModels
import Foundation
import RPC
import Testing
import TestSupport

/// The hourly collector (run every 0.5 s here): `defi.update` notifications, snapshots in store-svc's SQLite file,
/// the history route reading them, and the TVL chart merging DefiLlama's days with stored ones.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DefiSnapshotTests {
    static let day: Int64 = 86_400_000

    @Test("snapshots land in store-svc, defi.update is published, history and the merged chart read them back")
    func snapshots() async throws {
        try await DefiStack.with(["DEFI_COLLECTOR_ENABLED": "true", "DEFI_SNAPSHOT_INTERVAL": "0.5"]) { stack in
            let client = RPCClient.patient(.unix(path: stack.defiSocket))
            defer { client.close() }
            let update = await withTaskGroup(of: LiveTopics.DefiUpdateTopic.Payload?.self) { group in
                group.addTask {
                    for await event in client.subscribe(topics: [LiveTopics.DefiUpdateTopic.name]) {
                        guard case .notification(let note) = event else { continue }
                        if let payload = try? note.decode(topic: LiveTopics.DefiUpdateTopic.self) { return payload }
                    }
                    return nil
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(10))
                    return nil
                }
                let first = await group.next()!
                group.cancelAll()
                return first
            }
            let payload = try #require(update)
            #expect(payload.protocols.count == 10)
            #expect(payload.protocols.first?.slug == "curve")
            #expect(payload.totalTvl == Amount(parsing: "106925877842.224824"))
            #expect(payload.meta.source == "defillama" && !payload.meta.stale)

            // The snapshots are in store-svc's SQLite file and readable through the gateway's history route.
            var history: [[String: Any]] = []
            let stored = await Eventually.wait(timeout: .seconds(10), interval: .milliseconds(100)) {
                guard let response = try? await stack.json("/api/defi/history/aave?days=1"), response.status == 200 else { return false }
                history = ((response.object["data"] as? [String: Any])?["points"] as? [[String: Any]]) ?? []
                return !history.isEmpty
            }
            #expect(stored)
            #expect(history.first?["tvl"] as? String == "11549515584.783794")
            #expect(FileManager.default.fileExists(atPath: stack.directory.file("data/cryptodt.sqlite")))
            let storeClient = RPCClient.patient(.unix(path: stack.storeSocket))
            defer { storeClient.close() }
            let latest = try await storeClient.call(Store.DefiProtocols.self, .init())
            #expect(latest.protocols.count == 10)
            let aave = try #require(latest.protocols.first { $0.slug == "aave" })
            #expect(aave.extraTvls["borrowed"] == Amount(parsing: "9136680215.7919573"))
            #expect(aave.chainTvls["Ethereum"] == Amount(parsing: "7120600217.25483"))

            // DefiLlama's history (two recent days, values from the capture's last two points) merged with today's stored total.
            let today = Int64(Date().timeIntervalSince1970 * 1_000) / Self.day * Self.day
            let series = #"[{"date":\#((today - 2 * Self.day) / 1_000),"tvl":38202638216.30527},{"date":\#((today - Self.day) / 1_000),"tvl":37864314758.64114}]"#
            let ethereum = #"[{"date":\#((today - Self.day) / 1_000),"tvl":23456789012.5}]"#
            try await stack.control(.POST, "routes", """
                [{"path": "/defillama/v2/historicalChainTvl", "body": \(Self.quoted(series))},
                 {"path": "/defillama/v2/historicalChainTvl/Ethereum", "body": \(Self.quoted(ethereum))}]
                """)
            let chart = try await stack.json("/api/defi/tvl-chart?days=7")
            #expect(chart.status == 200)
            let points = ((chart.object["data"] as? [String: Any])?["points"] as? [[String: Any]]) ?? []
            #expect(points.map { $0["ts"] as? Int64 } == [today - 2 * Self.day, today - Self.day, today])
            #expect(points.map { $0["tvl"] as? String } == ["38202638216.30527", "37864314758.64114", "106925877842.224824"])
            #expect(points.map { $0["source"] as? String } == ["defillama", "defillama", "store"])
            #expect((chart.object["meta"] as? [String: Any])?["source"] as? String == "defillama+store")
            let chain = try await stack.json("/api/defi/tvl-chart?days=7&chain=ethereum")
            let chainData = chain.object["data"] as? [String: Any] ?? [:]
            #expect(chainData["chain"] as? String == "Ethereum")
            let chainPoints = (chainData["points"] as? [[String: Any]]) ?? []
            #expect(chainPoints.map { $0["tvl"] as? String } == ["23456789012.5", "71078185386.27814655"])

            // DefiLlama failing for Terra's history, nothing cached: the stored Terra total is served, flagged stale.
            try await stack.control(.POST, "faults", #"{"path": "/defillama/v2/historicalChainTvl/Terra", "fault": "status", "status": 500}"#)
            let terra = try await stack.json("/api/defi/tvl-chart?days=3&chain=terra")
            #expect(terra.status == 200)
            let terraMeta = terra.object["meta"] as? [String: Any] ?? [:]
            #expect(terraMeta["stale"] as? Bool == true && terraMeta["source"] as? String == "store")
            let terraPoints = ((terra.object["data"] as? [String: Any])?["points"] as? [[String: Any]]) ?? []
            #expect(terraPoints.map { $0["tvl"] as? String } == ["10737907675.933281"])
            let health = try await stack.get("/api/health")
            #expect(health.body.contains("last_snapshot_protocols"))
        }
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        String(data: try! JSONSerialization.data(withJSONObject: [text]), encoding: .utf8)!.dropFirst().dropLast().description
    }
}
