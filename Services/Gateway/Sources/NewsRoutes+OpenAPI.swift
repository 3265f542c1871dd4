import Contracts
import CryptoModels
import RPC

extension NewsRoutes {
    /// The news and sentiment read endpoints in `/openapi.json`.
    var openAPI: OpenAPIFragment {
        typealias Doc = OpenAPIDocument
        let ts: JSON = ["type": "integer", "description": "epoch milliseconds"]
        let time: JSON = ["type": "string", "format": "date-time", "description": "ISO-8601 UTC"]
        let labels: JSON = .array(News.labels.map(JSON.string))
        let tally: JSON = ["type": "object", "required": ["count", "labels"], "properties": [
            "count": ["type": "integer", "description": "items scored by the model"],
            "mean": ["type": "number", "minimum": -1, "maximum": 1,
                     "description": "mean of P(positive) − P(negative) over the scored items; absent when none are scored"],
            "labels": ["type": "object", "additionalProperties": ["type": "integer"], "description": "items per label"],
        ]]
        let meta: JSON = ["type": "object", "required": ["source", "as_of", "fetched_at", "age_s", "stale", "cached"],
                          "properties": ["source": ["type": "string"], "as_of": ts, "fetched_at": ts, "age_s": ["type": "number"],
                                         "stale": ["type": "boolean"], "cached": ["type": "boolean"]]]
        func envelope(_ data: JSON, meta: JSON) -> JSON {
            ["type": "object", "required": ["data", "meta"], "properties": ["data": data, "meta": meta]]
        }
        var newsMeta = meta
        if case .object(var object) = meta, case .object(var properties)? = object["properties"] {
            properties["page"] = ["type": "integer"]
            properties["page_size"] = ["type": "integer"]
            properties["total"] = ["type": "integer", "description": "items matching the filters over all pages"]
            properties["pages"] = ["type": "integer"]
            object["properties"] = .object(properties)
            newsMeta = .object(object)
        }
        return OpenAPIFragment(
            paths: [
                "/api/news": ["get": Doc.operation(
                    "news", summary: "Stored news from the RSS/Atom feeds (and CryptoPanic), newest first, with model sentiment",
                    parameters: [
                        Doc.query("page", "Page from 1 (1–10000).", schema: ["type": "integer", "minimum": 1, "maximum": 10000, "default": 1]),
                        Doc.query("page_size", "Items per page (1–100).", schema: ["type": "integer", "minimum": 1, "maximum": 100, "default": 20]),
                        Doc.query("source", "Only this source (`CoinDesk`, `Cointelegraph`, `CryptoPanic`, …).", schema: ["type": "string", "maxLength": 64]),
                        Doc.query("asset", "Only items mentioning this asset (`BTC`).", schema: ["type": "string", "maxLength": 32]),
                        Doc.query("sentiment", "Only items the model gave this label.", schema: ["type": "string", "enum": labels]),
                    ],
                    responses: ["200": Doc.response("One page of items", schema: envelope(
                        ["type": "array", "items": Doc.ref("NewsItem")], meta: newsMeta))])],
                "/api/sentiment": ["get": Doc.operation(
                    "sentimentSummary", summary: "News sentiment over 1 h / 24 h / 7 d, overall and per asset, and the latest Fear & Greed value",
                    parameters: [Doc.query("max_assets", "Most assets listed per window (1–100).",
                                           schema: ["type": "integer", "minimum": 1, "maximum": 100, "default": 20])],
                    responses: ["200": Doc.response("The summary", schema: envelope(Doc.ref("SentimentSummary"), meta: meta))])],
                "/api/sentiment/fear-greed": ["get": Doc.operation(
                    "fearGreedHistory", summary: "Daily Fear & Greed index values (alternative.me) stored over the last `days` days, ascending",
                    parameters: [Doc.query("days", "Days back from now (1–3650).", schema: ["type": "integer", "minimum": 1, "maximum": 3650, "default": 30])],
                    responses: ["200": Doc.response("The values", schema: envelope(["type": "object", "properties": [
                        "days": ["type": "integer"], "latest": Doc.ref("FearGreed"),
                        "entries": ["type": "array", "items": Doc.ref("FearGreed")]]], meta: meta))])],
            ],
            schemas: [
                "NewsItem": ["type": "object", "required": ["id", "title", "url", "source", "ts", "time", "assets", "sentiment"], "properties": [
                    "id": ["type": "string", "description": "hex SHA-256 of the normalised URL (or guid)"],
                    "title": ["type": "string"], "summary": ["type": ["string", "null"], "description": "plain text, HTML stripped"],
                    "url": ["type": "string", "format": "uri"], "source": ["type": "string"], "ts": ts, "time": time,
                    "assets": ["type": "array", "items": ["type": "string"]],
                    "sentiment": ["oneOf": [Doc.ref("SentimentResult"), ["type": "null"]],
                                  "description": "null until the financial model has scored the item"],
                ]],
                "FearGreed": ["type": "object", "required": ["value", "classification", "ts", "time"], "properties": [
                    "value": ["type": "integer", "minimum": 0, "maximum": 100], "classification": ["type": "string"],
                    "ts": ts, "time": time, "stale": ["type": "boolean", "description": "the latest value is older than two days"]]],
                "SentimentSummary": ["type": "object", "required": ["windows", "fear_greed", "truncated"], "properties": [
                    "windows": ["type": "array", "items": ["type": "object", "properties": [
                        "window": ["type": "string", "enum": ["1h", "24h", "7d"]], "from": ts, "to": ts, "overall": tally,
                        "unscored": ["type": "integer", "description": "items of the window the model has not scored yet"],
                        "assets": ["type": "array", "items": ["type": "object", "properties": [
                            "symbol": ["type": "string"], "sentiment": tally]]]]]],
                    "fear_greed": ["oneOf": [Doc.ref("FearGreed"), ["type": "null"]]],
                    "truncated": ["type": "boolean"]]],
            ],
            problemTypes: [:])
    }
}
