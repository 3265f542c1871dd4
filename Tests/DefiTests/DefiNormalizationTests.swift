import Contracts
import CryptoModels
import Foundation
import ProviderWire
import Testing
@testable import Defi

/// TVL normalisation on the real `/protocols` capture: extra kinds apart unless included, chain ranking, windows.
@Suite("DeFi normalisation")
struct DefiNormalizationTests {
    static let protocols: [DefiProtocol] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/defillama/protocols.json")
        return try! DefiLlamaParser.parseProtocols(Array(try! Data(contentsOf: url)))
    }()

    static func amount(_ text: String) -> Amount { Amount(parsing: text)! }

    @Test("without include, tvl is DefiLlama's plain figure; with include it adds exactly the asked kinds")
    func include() throws {
        let aave = try #require(Self.protocols.first { $0.slug == "aave" })
        let plain = DefiNormalization.row(aave, rank: 1, chain: nil, include: [])
        #expect(plain.tvl == Self.amount("11549515584.783794"))
        #expect(plain.chainTvls["Ethereum"] == Self.amount("7120600217.25483"))
        #expect(plain.chainTvls["Polygon"] == Self.amount("2100848699.1488032"))
        #expect(plain.chainTvls.count == 3)
        #expect(plain.extraTvls["borrowed"] == Self.amount("9136680215.7919573"))
        let all = DefiNormalization.row(aave, rank: 1, chain: "Ethereum", include: ["staking", "pool2", "borrowed"])
        #expect(all.tvl == Self.amount("21361325518.58757946"))
        #expect(all.chainTvl == Self.amount("12088878662.30676546"))
        #expect(all.chainTvls["Polygon"] == Self.amount("5035132171.0987842"))
        let stakingOnly = DefiNormalization.row(aave, rank: 1, chain: nil, include: ["staking"])
        #expect(stakingOnly.tvl == Self.amount("12012837807.59435166"))
        #expect(stakingOnly.chainTvls["Polygon"] == Self.amount("2100848699.1488032"))
    }

    @Test("per-chain compound keys are kept per chain by the parser (Ethereum-staking, Terra-borrowed)")
    func perChainExtras() throws {
        let curve = try #require(Self.protocols.first { $0.slug == "curve" })
        #expect(curve.chainExtraTvls == ["Ethereum": ["staking": Self.amount("1230076577.1211379")]])
        let anchor = try #require(Self.protocols.first { $0.slug == "anchor" })
        #expect(anchor.chainExtraTvls == ["Terra": ["borrowed": Self.amount("1328343198.5704865")]])
        let maker = try #require(Self.protocols.first { $0.slug == "makerdao" })
        #expect(maker.chainExtraTvls == [:])
    }

    @Test("ranking on Ethereum: MakerDAO leads on plain TVL; with staking included Curve overtakes it")
    func chainRanking() {
        let plain = DefiNormalization.rank(Self.protocols, chain: "Ethereum", include: [], limit: 3)
        #expect(plain.rows.map(\.slug) == ["makerdao", "curve", "convex-finance"])
        #expect(plain.rows.map(\.rank) == [1, 2, 3])
        #expect(plain.rows.first?.chainTvl == Self.amount("15524834506.383146"))
        #expect(plain.matched == 8)
        #expect(plain.total == Self.amount("71078185386.27814655"))
        let staked = DefiNormalization.rank(Self.protocols, chain: "Ethereum", include: ["staking"], limit: 3)
        #expect(staked.rows.map(\.slug) == ["curve", "makerdao", "convex-finance"])
        #expect(staked.rows.first?.chainTvl == Self.amount("15972494579.1140879"))
        #expect(staked.rows.last?.chainTvl == Self.amount("12419355000.6131435"))
        #expect(staked.total == Self.amount("73726039173.98963561"))
    }

    @Test("overall ranking and total over the 10 captured protocols; Terra has Anchor then Lido")
    func overall() {
        let top = DefiNormalization.rank(Self.protocols, chain: nil, include: [], limit: 20)
        #expect(top.rows.count == 10 && top.matched == 10)
        #expect(top.rows.first?.slug == "curve" && top.rows.last?.slug == "instadapp")
        #expect(top.total == Self.amount("106925877842.224824"))
        let terra = DefiNormalization.rank(Self.protocols, chain: "Terra", include: [], limit: 5)
        #expect(terra.rows.map(\.slug) == ["anchor", "lido"])
        #expect(terra.rows.map(\.chainTvl) == [Self.amount("7275519420.014553"), Self.amount("3462388255.918728")])
    }

    @Test("chain names resolve case-insensitively to DefiLlama's spelling from chains and protocols")
    func chains() {
        let known = DefiNormalization.knownChains(chains: ["Ethereum", "Hypothetical"], protocols: Self.protocols)
        #expect(known.contains("Terra") && known.contains("xDai") && known.contains("Hypothetical"))
        #expect(DefiNormalization.canonicalChain("ethereum", known: known) == "Ethereum")
        #expect(DefiNormalization.canonicalChain("XDAI", known: known) == "xDai")
        #expect(DefiNormalization.canonicalChain("Narnia", known: known) == nil)
    }

    @Test("include kinds are validated and canonicalised; bad names are invalid-parameter")
    func includeValidation() throws {
        #expect(try DefiValidation.include(["Borrowed", "staking", " pool2 ", "staking"]) == ["staking", "pool2", "borrowed"])
        #expect(try DefiValidation.include(["dcandlsoverlap"]) == ["dcAndLsOverlap"])
        do {
            _ = try DefiValidation.include(["bribes"])
            Issue.record("expected a problem")
        } catch {
            #expect(error.data?.type == "invalid-parameter")
        }
        #expect(try DefiValidation.slug("Polygon-Bridge-&-Staking") == "polygon-bridge-&-staking")
        #expect(throws: (any Error).self) { try DefiValidation.slug("../etc") }
        #expect(try DefiValidation.chainText(" OP Mainnet ") == "OP Mainnet")
    }

    @Test("the window keeps the last N UTC days up to now, today included")
    func window() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/defillama/historical_chain_tvl.json")
        let points = try DefiLlamaParser.parseHistoricalChainTvl(Array(try Data(contentsOf: url)))
        let now: EpochMillis = 1_694_217_600_000 + 3_600_000 // 2023-09-09 01:00 UTC, an hour after the last point
        let week = DefiNormalization.window(points, days: 7, now: now)
        #expect(week.count == 7)
        #expect(week.first?.ts == 1_693_699_200_000) // 2023-09-03
        #expect(week.last == TvlPoint(ts: 1_694_217_600_000, tvl: Self.amount("37864314758.64114")))
        #expect(DefiNormalization.window(points, days: 1, now: now).count == 1)
    }
}
