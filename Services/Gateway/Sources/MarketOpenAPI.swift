import RPC

/// The market routes' part of `/openapi.json`.
enum MarketOpenAPI {
    typealias Doc = OpenAPIDocument

    static let vs = Doc.query("vs", "Quote currency", schema: ["type": "string", "enum": ["usd", "eur", "gbp", "jpy", "btc", "eth", "usdt"], "default": "usd"])
    static let decimal: JSON = ["type": "string", "description": "exact decimal as a string", "pattern": "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$"]
    static let ts: JSON = ["type": "integer", "description": "epoch milliseconds"]
    static let time: JSON = ["type": "string", "format": "date-time"]

    static func envelope(_ data: JSON) -> JSON {
        ["type": "object", "required": ["data", "meta"], "properties": ["data": data, "meta": Doc.ref("DataMeta")]]
    }

    static let fragment = OpenAPIFragment(
        paths: [
            "/api/prices": ["get": Doc.operation(
                "prices", summary: "Latest prices of up to 50 symbols (cached 60 s; failover across CoinGecko, Binance, CryptoCompare, Kraken, CoinCap)",
                parameters: [Doc.query("symbols", "Comma-separated tickers or CoinGecko ids, at most 50", schema: ["type": "string"], required: true), vs],
                responses: ["200": Doc.response("Quotes in the order asked", schema: envelope(["type": "array", "items": Doc.ref("Quote")]))])],
            "/api/market": ["get": Doc.operation(
                "market", summary: "Market listing by market capitalisation (cached 5 min)",
                parameters: [Doc.query("limit", "Rows", schema: ["type": "integer", "minimum": 1, "maximum": 250, "default": 100]), vs],
                responses: ["200": Doc.response("Market rows", schema: envelope(["type": "array", "items": Doc.ref("MarketEntry")]))])],
            "/api/market/global": ["get": Doc.operation(
                "marketGlobal", summary: "Whole-market figures (cached 5 min)",
                responses: ["200": Doc.response("Global figures", schema: envelope(Doc.ref("GlobalMarket")))])],
            "/api/trending": ["get": Doc.operation(
                "trending", summary: "Top 7 trending coins (cached 1 h)",
                responses: ["200": Doc.response("Trending coins", schema: envelope(["type": "array", "items": Doc.ref("TrendingCoin")]))])],
            "/api/ohlcv": ["get": Doc.operation(
                "ohlcv", summary: "OHLCV candles stamped with open time, each with a closed flag (cached 15 min or one interval)",
                parameters: [
                    Doc.query("symbol", "A market (BTCUSDT, BTC-USD) or a ticker (BTC, quoted in USD)", schema: ["type": "string"], required: true),
                    Doc.query("interval", "Candle interval", schema: ["type": "string", "enum": ["1m", "5m", "15m", "1h", "4h", "1d", "1w"], "default": "1h"]),
                    Doc.query("limit", "Candles", schema: ["type": "integer", "minimum": 1, "maximum": 1000, "default": 100]),
                    Doc.query("start", "Earliest open time: ISO-8601 or epoch milliseconds (10-digit seconds are refused)", schema: ["type": "string"]),
                    Doc.query("end", "Latest open time: ISO-8601 or epoch milliseconds", schema: ["type": "string"]),
                ],
                responses: ["200": Doc.response("Candles", schema: envelope(Doc.ref("CandleSeries")))])],
        ],
        schemas: [
            "DataMeta": [
                "type": "object", "required": ["source", "as_of", "fetched_at", "age_s", "stale", "cached"],
                "properties": [
                    "source": ["type": "string", "description": "provider(s) the data came from"],
                    "as_of": ts, "fetched_at": ts, "age_s": ["type": "number"],
                    "stale": ["type": "boolean", "description": "every provider failed; last-known data"],
                    "cached": ["type": "boolean"],
                ],
            ],
            "Quote": ["type": "object", "required": ["symbol", "vs", "price", "ts", "time"], "properties": [
                "symbol": ["type": "string"], "vs": ["type": "string"], "price": decimal, "market_cap": decimal,
                "volume_24h": decimal, "change_24h_pct": ["type": "number"], "ts": ts, "time": time,
            ]],
            "MarketEntry": ["type": "object", "required": ["id", "symbol", "name", "price"], "properties": [
                "id": ["type": "string"], "symbol": ["type": "string"], "name": ["type": "string"], "rank": ["type": "integer"],
                "price": decimal, "market_cap": decimal, "volume_24h": decimal, "change_24h_pct": ["type": "number"],
                "circulating_supply": decimal, "max_supply": decimal, "ts": ts, "time": time,
            ]],
            "GlobalMarket": ["type": "object", "properties": [
                "total_market_cap": ["type": "object", "additionalProperties": decimal],
                "total_volume": ["type": "object", "additionalProperties": decimal],
                "market_cap_percentage": ["type": "object", "additionalProperties": ["type": "number"]],
                "active_cryptocurrencies": ["type": "integer"], "market_cap_change_24h_pct": ["type": "number"], "ts": ts, "time": time,
            ]],
            "TrendingCoin": ["type": "object", "properties": [
                "id": ["type": "string"], "symbol": ["type": "string"], "name": ["type": "string"],
                "market_cap_rank": ["type": "integer"], "score": ["type": "integer"], "price_btc": decimal, "thumb": ["type": "string"],
            ]],
            "CandleSeries": ["type": "object", "properties": [
                "symbol": ["type": "string"], "interval": ["type": "string"], "quote": ["type": "string"],
                "candles": ["type": "array", "items": ["type": "object", "required": ["ts", "time", "open", "high", "low", "close", "closed"],
                                                       "properties": ["ts": ts, "time": time, "open": decimal, "high": decimal, "low": decimal,
                                                                      "close": decimal, "volume": decimal, "closed": ["type": "boolean"]]]],
            ]],
        ],
        problemTypes: [
            "unknown-asset": "No asset is known by that symbol (404).",
            "ambiguous-symbol": "Several coins share that ticker; `candidates` lists them; ask by id (400).",
            "upstream-unavailable": "Every provider failed and no recent data is cached; `providers` names each and its error (503, Retry-After).",
            "upstream-rate-limited": "Every provider is rate limiting us (429, Retry-After).",
        ])
}
