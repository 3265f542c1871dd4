import RPC

/// The DeFi routes' part of `/openapi.json`.
enum DefiOpenAPI {
    typealias Doc = OpenAPIDocument

    static let decimal = MarketOpenAPI.decimal
    static let ts = MarketOpenAPI.ts
    static let time = MarketOpenAPI.time
    static let decimalMap: JSON = ["type": "object", "additionalProperties": decimal]
    static let include = Doc.query(
        "include", "Comma-separated extra TVL kinds to add into tvl, chain_tvl and chain_tvls (never added otherwise)",
        schema: ["type": "string", "example": "staking,pool2,borrowed"])
    static let chain = Doc.query("chain", "Chain name, case-insensitive (Ethereum, Arbitrum, OP Mainnet, …)", schema: ["type": "string", "maxLength": 64])
    static let days = Doc.query("days", "Days back from today (today counts as one)", schema: ["type": "integer", "minimum": 1, "maximum": 3650, "default": 30])

    static func envelope(_ data: JSON) -> JSON { MarketOpenAPI.envelope(data) }

    static let fragment = OpenAPIFragment(
        paths: [
            "/api/defi": ["get": Doc.operation(
                "defiProtocols", summary: "Top DeFi protocols by TVL from DefiLlama, optionally on one chain (cached 1 h)",
                parameters: [Doc.query("limit", "Rows", schema: ["type": "integer", "minimum": 1, "maximum": 500, "default": 20]), chain, include],
                responses: ["200": Doc.response("Protocols by TVL", schema: envelope(["type": "object", "properties": [
                    "protocols": ["type": "array", "items": Doc.ref("DefiProtocol")], "total_tvl": decimal,
                    "matched": ["type": "integer"], "chain": ["type": ["string", "null"]],
                    "include": ["type": "array", "items": ["type": "string"]],
                ]]))])],
            "/api/defi/chains": ["get": Doc.operation(
                "defiChains", summary: "Chains by TVL from DefiLlama /v2/chains (cached 1 h)",
                parameters: [Doc.query("limit", "Most chains", schema: ["type": "integer", "minimum": 1, "maximum": 1000])],
                responses: ["200": Doc.response("Chains by TVL", schema: envelope(["type": "object", "properties": [
                    "chains": ["type": "array", "items": Doc.ref("DefiChain")], "total_tvl": decimal,
                ]]))])],
            "/api/defi/tvl-chart": ["get": Doc.operation(
                "defiTvlChart", summary: "Daily TVL: DefiLlama's history, with store-svc's snapshot totals filling the days DefiLlama lacks (each point names its source)",
                parameters: [days, chain],
                responses: ["200": Doc.response("Daily points", schema: envelope(["type": "object", "properties": [
                    "chain": ["type": ["string", "null"]], "days": ["type": "integer"], "store_available": ["type": "boolean"],
                    "points": ["type": "array", "items": ["type": "object", "required": ["ts", "time", "tvl", "source"], "properties": [
                        "ts": ts, "time": time, "tvl": decimal, "source": ["type": "string", "enum": ["defillama", "store"]],
                    ]]],
                ]]))])],
            "/api/defi/protocols/{protocol}": ["get": Doc.operation(
                "defiProtocol", summary: "One protocol from DefiLlama /protocol/{slug}: current TVL split and its daily TVL (cached 1 h)",
                parameters: [Doc.path("protocol", "DefiLlama slug, e.g. aave"), days, include],
                responses: ["200": Doc.response("The protocol", schema: envelope(["type": "object", "properties": [
                    "protocol": Doc.ref("DefiProtocol"), "days": ["type": "integer"],
                    "history": ["type": "array", "items": ["type": "object", "properties": ["ts": ts, "time": time, "tvl": decimal]]],
                ]]))])],
        ],
        schemas: [
            "DefiProtocol": ["type": "object", "required": ["rank", "slug", "name", "chains", "tvl", "chain_tvls", "extra_tvls"], "properties": [
                "rank": ["type": "integer"], "slug": ["type": "string"], "name": ["type": "string"], "category": ["type": "string"],
                "chains": ["type": "array", "items": ["type": "string"]],
                "tvl": ["type": "string", "description": "plain TVL plus the included kinds (exact decimal)"],
                "chain_tvl": ["type": "string", "description": "TVL on the asked chain (exact decimal)"],
                "chain_tvls": decimalMap,
                "extra_tvls": ["type": "object", "additionalProperties": decimal,
                               "description": "staking, pool2, borrowed, … summed over chains; reported apart"],
                "change_1d_pct": ["type": "number"], "change_7d_pct": ["type": "number"], "gecko_id": ["type": "string"],
            ]],
            "DefiChain": ["type": "object", "required": ["rank", "name", "tvl"], "properties": [
                "rank": ["type": "integer"], "name": ["type": "string"], "tvl": decimal, "token_symbol": ["type": "string"],
                "gecko_id": ["type": "string"], "chain_id": ["type": "integer"],
            ]],
        ],
        problemTypes: [
            "unknown-protocol": "DefiLlama (or the store) knows no protocol by that slug (404).",
            "unknown-chain": "DefiLlama lists no chain by that name (404).",
        ])
}
