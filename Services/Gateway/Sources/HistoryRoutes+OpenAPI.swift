import CryptoModels
import RPC

extension HistoryRoutes {
    /// The history endpoints in `/openapi.json`.
    var openAPI: OpenAPIFragment {
        typealias Doc = OpenAPIDocument
        let days = { (fallback: Int) in
            Doc.query("days", "Days back from now (1–3650).", schema: ["type": "integer", "minimum": 1, "maximum": 3650, "default": .number(Double(fallback))])
        }
        let symbol = Doc.path("symbol", "Asset or market symbol (`BTC`, `BTCUSDT`); 1–32 letters, digits, `.`, `-`, `_`.")
        let time: JSON = ["type": "string", "format": "date-time", "description": "ISO-8601 UTC"]
        let ts: JSON = ["type": "integer", "description": "epoch milliseconds"]
        let decimal: JSON = ["type": "string", "description": "exact decimal"]
        func envelope(_ data: JSON) -> JSON {
            ["type": "object", "required": ["data", "meta"], "properties": ["data": data, "meta": Doc.ref("HistoryMeta")]]
        }
        return OpenAPIFragment(
            paths: [
                "/api/prices/history/{symbol}": ["get": Doc.operation(
                    "priceHistory", summary: "Stored price history of one asset, downsampled to at most `points` points",
                    parameters: [symbol, days(30),
                                 Doc.query("points", "Most points (1–10000).", schema: ["type": "integer", "minimum": 1, "maximum": 10000, "default": 500]),
                                 Doc.query("vs", "Quote currency.", schema: ["type": "string", "default": "usd"])],
                    responses: ["200": Doc.response("Price points, ascending", schema: envelope(Doc.ref("PriceHistory")))])],
                "/api/ohlcv/history/{symbol}": ["get": Doc.operation(
                    "ohlcvHistory", summary: "Stored OHLCV candles of one market, ascending by open time",
                    parameters: [symbol, days(90),
                                 Doc.query("interval", "Candle interval.", schema: ["type": "string", "enum": .array(Interval.allCases.map { .string($0.rawValue) }), "default": "1d"])],
                    responses: ["200": Doc.response("Candles", schema: envelope(Doc.ref("CandleHistory")))])],
                "/api/market/history": ["get": Doc.operation(
                    "marketHistory", summary: "One asset's rows in the newest stored market listings, newest first",
                    parameters: [Doc.query("symbol", "Asset symbol (`BTC`).", schema: ["type": "string"], required: true),
                                 Doc.query("limit", "Most rows (1–1000).", schema: ["type": "integer", "minimum": 1, "maximum": 1000, "default": 10])],
                    responses: ["200": Doc.response("Listing rows", schema: envelope(Doc.ref("MarketHistory")))])],
                "/api/defi/history/{protocol}": ["get": Doc.operation(
                    "defiHistory", summary: "Stored TVL snapshots of one DeFi protocol, ascending",
                    parameters: [Doc.path("protocol", "DefiLlama slug (`aave`)."), days(30)],
                    responses: ["200": Doc.response("TVL points", schema: envelope(Doc.ref("DefiHistory")))])],
            ],
            schemas: [
                "HistoryMeta": ["type": "object", "required": ["source", "as_of", "fetched_at", "age_s", "stale", "cached", "count"],
                                "properties": ["source": ["type": "string", "const": "store"], "as_of": ts, "fetched_at": ts,
                                               "age_s": ["type": "number"], "stale": ["type": "boolean"], "cached": ["type": "boolean"],
                                               "from": ts, "to": ts, "count": ["type": "integer"]]],
                "PriceHistory": ["type": "object", "properties": [
                    "symbol": ["type": "string"], "vs": ["type": "string"], "days": ["type": "integer"],
                    "points": ["type": "array", "items": ["type": "object", "properties": ["ts": ts, "time": time, "price": decimal]]]]],
                "CandleHistory": ["type": "object", "properties": [
                    "symbol": ["type": "string"], "interval": ["type": "string"], "days": ["type": "integer"],
                    "candles": ["type": "array", "items": ["type": "object", "properties": [
                        "ts": ts, "time": time, "open": decimal, "high": decimal, "low": decimal, "close": decimal,
                        "volume": decimal, "closed": ["type": "boolean"]]]]]],
                "MarketHistory": ["type": "object", "properties": [
                    "symbol": ["type": "string"],
                    "points": ["type": "array", "items": ["type": "object", "properties": [
                        "ts": ts, "time": time, "source": ["type": "string"], "vs": ["type": "string"], "id": ["type": "string"],
                        "name": ["type": "string"], "rank": ["type": "integer"], "price": decimal, "market_cap": decimal,
                        "volume_24h": decimal, "change_24h_pct": ["type": "number"]]]]]],
                "DefiHistory": ["type": "object", "properties": [
                    "protocol": ["type": "string"], "days": ["type": "integer"],
                    "points": ["type": "array", "items": ["type": "object", "properties": ["ts": ts, "time": time, "tvl": decimal]]]]],
            ],
            problemTypes: [
                "unknown-asset": "The store has never seen this symbol (404).",
                "unknown-protocol": "The store has never seen this DeFi protocol (404).",
            ])
    }
}
