import RPC

/// `/ws` and `/api/ws/ticket` in `/openapi.json`, with the WebSocket protocol in the descriptions and as schemas.
enum LiveOpenAPI {
    typealias Doc = OpenAPIDocument

    /// The protocol, as the `GET /ws` description.
    static let protocolText = """
        WebSocket stream of live data. Authenticate with `Authorization: Bearer …` / `X-API-Key` on the handshake, or \
        with `?ticket=` from `POST /api/ws/ticket` (single use, 30 s); without either the anonymous tier applies. \
        A refused handshake is a problem: 401 `unauthorized` (ticket unknown, expired or used), 429 `quota-exceeded` \
        (connections per identity), 426 `upgrade-required` (not a WebSocket request).

        Client messages (JSON text, at most WS_MAX_MESSAGE_BYTES = 4096 bytes): \
        `{"op":"subscribe","id":1,"channels":["prices:BTC"]}`, `{"op":"unsubscribe","id":2,"channels":[…]}`, \
        `{"op":"list","id":3}`, `{"op":"ping","id":4}`, `{"op":"resume","id":5,"channel":"prices:BTC","seq":41,"epoch":…}` \
        (`epoch` optional: the value from the channel's snapshot; another epoch means the gateway restarted → resync).

        Server messages carry `type`: `ack` (`id`, `op`, `channels`), `snapshot` and `update` (`channel`, `seq`, `ts`, \
        `data`; a snapshot's `seq` is the channel's current one, every later update has a higher one; `resync: true` \
        when a `resume` could not be served from the ring buffer), `heartbeat` (`ts`, after WS_HEARTBEAT_INTERVAL = 10 s \
        without other messages), `status` (`channel`, `status`: `upstream-unavailable` | `live`, `service`, `detail`), \
        `pong` (`id`, `ts`) and `error` (`id` when answering a request, `problem` with type/title/status/detail).

        Channels: `prices:<SYMBOL>` and `prices:*` (one update per quote of each market-svc poll; snapshot from \
        market.prices), `ohlcv:<MARKET>:1m` (latest candle; snapshot: the last 60 candles from market.ohlcv), `news`, \
        `sentiment`, `defi` (snapshot: the last notification received by the gateway, `data: null` before the first), \
        `health` (the gateway's own probe, sent when a service's status changes).

        Backpressure: each client has a bounded queue (WS_QUEUE_LIMIT = 512); price updates conflate to the latest \
        value per channel and symbol (skipped `seq` numbers on price channels mean conflation); past the limit the \
        connection is closed with code 4001 (`slow consumer`). Repeated invalid, oversized or rate-limited messages \
        (WS_ABUSE_LIMIT = 10) close with 4000. WebSocket pings every WS_PING_INTERVAL = 20 s; a missing pong drops \
        the connection. Per-tier limits: WS_MAX_CONNECTIONS_<TIER>, WS_MAX_SUBSCRIPTIONS_<TIER>, \
        WS_MAX_MESSAGES_PER_SECOND_<TIER> (anonymous 5 / 20 / 5).
        """

    static let fragment = OpenAPIFragment(
        paths: [
            "/ws": ["get": [
                "operationId": "liveStream",
                "summary": "WebSocket stream: subscribe to prices, candles, news, sentiment, DeFi and health",
                "description": .string(protocolText),
                "parameters": [Doc.query("ticket", "A single-use ticket from POST /api/ws/ticket", schema: ["type": "string"])],
                "responses": [
                    "101": ["description": "Switching protocols; the messages are described by LiveClientMessage and LiveServerMessage"],
                    "default": ["$ref": "#/components/responses/Problem"],
                ],
            ]],
            "/api/ws/ticket": ["post": Doc.operation(
                "wsTicket", summary: "A short-lived single-use ticket for GET /ws?ticket=… (for browsers), bound to the caller's identity",
                responses: ["201": Doc.response("The ticket", schema: [
                    "type": "object", "required": ["data"],
                    "properties": ["data": [
                        "type": "object", "required": ["ticket", "expires_in_s", "url"],
                        "properties": ["ticket": ["type": "string"], "expires_in_s": ["type": "number"], "url": ["type": "string"]],
                    ]],
                ])])],
        ],
        schemas: [
            "LiveClientMessage": [
                "type": "object", "required": ["op"],
                "properties": [
                    "op": ["type": "string", "enum": ["subscribe", "unsubscribe", "list", "ping", "resume"]],
                    "id": ["oneOf": [["type": "integer"], ["type": "string", "maxLength": 64]]],
                    "channels": ["type": "array", "items": ["type": "string"], "maxItems": 100],
                    "channel": ["type": "string"],
                    "seq": ["type": "integer", "minimum": 0],
                    "epoch": ["type": "integer", "description": "resume: the epoch of the snapshot the seq belongs to"],
                ],
            ],
            "LiveServerMessage": [
                "type": "object", "required": ["type"],
                "properties": [
                    "type": ["type": "string", "enum": ["ack", "snapshot", "update", "heartbeat", "status", "pong", "error"]],
                    "id": ["oneOf": [["type": "integer"], ["type": "string"]]],
                    "op": ["type": "string"], "channels": ["type": "array", "items": ["type": "string"]],
                    "channel": ["type": "string"], "seq": ["type": "integer"], "ts": ["type": "integer", "description": "epoch ms"],
                    "data": ["description": "The channel's payload (null in a snapshot when nothing is known yet)"],
                    "resync": ["type": "boolean"],
                    "epoch": ["type": "integer", "description": "snapshot: identifies the gateway process's seq numbering"],
                    "status": ["type": "string", "enum": ["upstream-unavailable", "live"]],
                    "service": ["type": "string"], "detail": ["type": "string"],
                    "problem": Doc.ref("Problem"),
                ],
            ],
        ],
        problemTypes: [
            "unauthorized": "Missing or invalid credentials, or a WebSocket ticket that is unknown, expired or already used (401).",
            "quota-exceeded": "A per-tier limit was reached, e.g. WebSocket connections per identity (429).",
            "upgrade-required": "GET /ws was requested without a WebSocket upgrade (426).",
        ])
}
