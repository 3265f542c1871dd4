import CryptoModels
import ProviderWire
import Testing

@Suite("DefiLlama parsers")
struct DefiLlamaParserTests {
    @Test("/protocols → 10 protocols; Curve's staking is split out of the chain figures")
    func protocols() throws {
        let protocols = try DefiLlamaParser.parseProtocols(try Fixture.bytes("defillama/protocols.json"))
        #expect(protocols.count == 10)
        #expect(protocols.map(\.slug).prefix(5) == ["curve", "makerdao", "aave", "convex-finance", "polygon-bridge-&-staking"])
        let curve = try #require(protocols.first)
        #expect(curve.name == "Curve" && curve.category == "Dexes" && curve.geckoId == "curve-dao-token")
        #expect(curve.tvl == amount("16890071630.01999"))
        #expect(Set(curve.chainTvls.keys) == ["Ethereum", "Avalanche", "Fantom", "Polygon", "Arbitrum", "xDai", "Harmony", "Optimism"])
        #expect(curve.chainTvls["Ethereum"] == amount("14742418001.99295"))
        #expect(curve.chainTvls["Ethereum-staking"] == nil && curve.chainTvls["staking"] == nil)
        #expect(curve.extraTvls == ["staking": amount("1230076577.1211379")])
        #expect(curve.change1dPct == 1.8300037499020476 && curve.change7dPct == -13.914750696224914)
        #expect(curve.chains.count == 8)
        // Plain chains add up to the reported tvl (to float precision of the source).
        let chainSum = curve.chainTvls.values.reduce(0.0) { $0 + Double($1.description)! }
        #expect(abs(chainSum - 16_890_071_630.02) < 1)
    }

    @Test("AAVE: staking, pool2 and per-chain borrowed are summed per kind, never into tvl or chainTvls")
    func aaveSplit() throws {
        let aave = try #require(try DefiLlamaParser.parseProtocols(try Fixture.bytes("defillama/protocols.json")).first { $0.slug == "aave" })
        #expect(aave.tvl == amount("11549515584.783794"))
        #expect(aave.chainTvls == ["Ethereum": amount("7120600217.25483"), "Avalanche": amount("2328066668.3801613"),
                                   "Polygon": amount("2100848699.1488032")])
        #expect(aave.extraTvls["staking"] == amount("463322222.81055766"))
        #expect(aave.extraTvls["pool2"] == amount("211807495.2012705"))
        // Polygon-borrowed + Ethereum-borrowed + Avalanche-borrowed, exactly.
        #expect(aave.extraTvls["borrowed"] == amount("9136680215.7919573"))
        #expect(aave.extraTvls.count == 3)
        let anchor = try #require(try DefiLlamaParser.parseProtocols(try Fixture.bytes("defillama/protocols.json")).first { $0.slug == "anchor" })
        #expect(anchor.chainTvls == ["Terra": amount("7275519420.014553")])
        #expect(anchor.extraTvls == ["borrowed": amount("1328343198.5704865")])
    }

    @Test("splitChainTvls: bare kinds count only when no per-chain key exists; non-numbers ignored")
    func split() throws {
        let map = try #require(try JSONParser.parse(#"{"Ethereum":10,"staking":5,"BSC-pool2":1,"Avalanche-pool2":2,"pool2":99,"Cronos-zkEVM":3,"Terra":null,"Ethereum-Borrowed":4}"#).object)
        let split = DefiLlamaParser.splitChainTvls(map)
        #expect(split.chains == ["Ethereum": 10, "Cronos-zkEVM": 3])
        #expect(split.extras == ["staking": 5, "pool2": 3, "borrowed": 4])
    }

    @Test("splitChainExtras keeps compound keys per chain (chain names with dashes too); bare kinds and plain chains are left out")
    func chainExtras() throws {
        let map = try #require(try JSONParser.parse(#"{"Ethereum":10,"staking":5,"Ethereum-staking":2,"Ethereum-Pool2":1.5,"Cronos-zkEVM":3,"Cronos-zkEVM-borrowed":4,"-staking":9,"Terra":null}"#).object)
        #expect(DefiLlamaParser.splitChainExtras(map) == ["Ethereum": ["staking": 2, "pool2": amount("1.5")], "Cronos-zkEVM": ["borrowed": 4]])
        let detail = try DefiLlamaParser.parseProtocol(try Fixture.bytes("written/defillama_protocol_aave.json"), slug: "aave")
        #expect(detail.current.chainExtraTvls == ["Ethereum": ["staking": amount("250000000.5")], "Polygon": ["borrowed": 400_000_000]])
        let aave = try #require(try DefiLlamaParser.parseProtocols(try Fixture.bytes("defillama/protocols.json")).first { $0.slug == "aave" })
        #expect(aave.chainExtraTvls?["Polygon"] == ["borrowed": amount("2934283471.949981")])
        #expect(aave.chainExtraTvls?["Ethereum"] == ["staking": amount("463322222.81055766"), "pool2": amount("211807495.2012705"),
                                                    "borrowed": amount("4293148727.0401073")])
    }

    @Test("/protocol/{slug} (fixture written from the documented shape) → current split and sorted history")
    func protocolDetail() throws {
        let detail = try DefiLlamaParser.parseProtocol(try Fixture.bytes("written/defillama_protocol_aave.json"), slug: "aave")
        #expect(detail.current.slug == "aave" && detail.current.name == "AAVE" && detail.current.category == "Lending")
        #expect(detail.current.chains == ["Ethereum", "Polygon", "Avalanche"])
        #expect(detail.current.tvl == 4_700_000_000)
        #expect(detail.current.chainTvls == ["Ethereum": 3_200_000_000, "Polygon": 1_500_000_000])
        #expect(detail.current.extraTvls == ["staking": amount("250000000.5"), "borrowed": 400_000_000])
        #expect(detail.current.geckoId == "aave")
        #expect(detail.tvl == [TvlPoint(ts: 1_609_459_200_000, tvl: 1_000_000), TvlPoint(ts: 1_609_545_600_000, tvl: amount("1750000.75"))])
        #expect(detail.chainTvl["Ethereum"]?.last?.tvl == amount("1250000.75"))
        #expect(detail.chainTvl["Polygon"]?.count == 1)
        let bad = wireError { try DefiLlamaParser.parseProtocol(utf8(#"{"name":"X","tvl":[{"date":1}]}"#), slug: "x") }
        #expect(bad?.description.contains("`totalLiquidityUSD` of point 0") == true)
        let empty = wireError { try DefiLlamaParser.parseProtocol(utf8(#"{"name":"X"}"#), slug: "x") }
        guard case .emptyResult(.defillama, _)? = empty else { Issue.record("got \(String(describing: empty))"); return }
    }

    @Test("/v2/chains (fixture written from the documented shape) → name, tvl, token symbol, gecko id")
    func chains() throws {
        let chains = try DefiLlamaParser.parseChains(try Fixture.bytes("written/defillama_chains.json"))
        #expect(chains == [ChainTvl(name: "Ethereum", tvl: amount("65998652431.40251"), tokenSymbol: "ETH", geckoId: "ethereum", chainId: 1),
                           ChainTvl(name: "Hypothetical", tvl: amount("1234.5"), tokenSymbol: nil, geckoId: nil, chainId: nil)])
    }

    @Test("/v2/historicalChainTvl → 1,899 daily points from 2018 with tiny early values kept")
    func historicalChainTvl() throws {
        let points = try DefiLlamaParser.parseHistoricalChainTvl(try Fixture.bytes("defillama/historical_chain_tvl.json"))
        #expect(points.count == 1_899)
        #expect(points.first == TvlPoint(ts: 1_530_230_400_000, tvl: amount("20541.94079040033")))
        #expect(points.last == TvlPoint(ts: 1_694_217_600_000, tvl: amount("37864314758.64114")))
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.ts < $1.ts })
    }

    @Test("/tvl/{slug} is a bare number; anything else is malformed or the provider's message")
    func tvl() throws {
        #expect(try DefiLlamaParser.parseTvl(try Fixture.bytes("defillama/tvl.json")) == amount("4962012809.795062"))
        let notNumber = wireError { try DefiLlamaParser.parseTvl(utf8("[1]")) }
        #expect(notNumber?.description.contains("single number") == true)
        let message = wireError { try DefiLlamaParser.parseTvl(utf8(#"{"message":"Protocol not found"}"#)) }
        #expect(message == .providerError(provider: .defillama, code: nil, message: "Protocol not found"))
        let text = wireError { try DefiLlamaParser.parseTvl(utf8("Protocol not found")) }
        #expect(text?.description.contains("body starts: Protocol not found") == true)
    }
}
