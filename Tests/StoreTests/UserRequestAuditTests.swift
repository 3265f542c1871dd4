import Contracts
import Foundation
import GRDB
import Testing
@testable import Store

/// The request audit's compact batch (`store.user_requests.record`) and its insert: one row per request, every field.
@Suite struct UserRequestAuditTests {
    typealias Params = Store.RecordUserRequests.Params

    static let sample = [
        UserRequestRecord(ts: 1_711_356_300_000, keyID: "k1", route: "/api/prices", method: "GET", status: 200, latencyUs: 850, bytes: 412),
        UserRequestRecord(ts: 1_711_356_300_001, keyID: nil, route: "/api/prices", method: "GET", status: 429, latencyUs: 40, bytes: 310),
        UserRequestRecord(ts: 1_711_356_300_002, keyID: "k2", route: "/api/keys/{id}", method: "DELETE", status: 204, latencyUs: 0, bytes: 0),
        UserRequestRecord(ts: 1_711_356_300_002, keyID: "k1", route: "NotFound", method: "GET", status: 404, latencyUs: 9_223_372_036_854_775_807,
                          bytes: 123),
    ]

    @Test("the batch is sent as a string table and one text of seven integers per row, and decodes to the same records")
    func compactRoundTrip() throws {
        let data = try JSONEncoder().encode(Params(requests: Self.sample))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["strings"] as? [String] == ["k1", "/api/prices", "GET", "k2", "/api/keys/{id}", "DELETE", "NotFound"])
        #expect(object["rows"] as? String == "1711356300000,0,1,2,200,850,412;1711356300001,-1,1,2,429,40,310;"
            + "1711356300002,3,4,5,204,0,0;1711356300002,0,6,2,404,9223372036854775807,123")
        #expect(object.count == 2)
        let decoded = try JSONDecoder().decode(Params.self, from: data)
        #expect(decoded.requests == Self.sample)
        let empty = try JSONDecoder().decode(Params.self, from: try JSONEncoder().encode(Params(requests: [])))
        #expect(empty.requests.isEmpty)
    }

    @Test("the older array-of-objects form is still accepted")
    func legacyForm() throws {
        let json = #"{"requests":[{"ts":5,"key_id":"k9","route":"/api/news","method":"GET","status":200,"latency_us":77,"bytes":1024},"#
            + #"{"ts":6,"route":"/api/news","method":"GET","status":500,"latency_us":3,"bytes":0}]}"#
        let decoded = try JSONDecoder().decode(Params.self, from: Data(json.utf8))
        #expect(decoded.requests == [
            UserRequestRecord(ts: 5, keyID: "k9", route: "/api/news", method: "GET", status: 200, latencyUs: 77, bytes: 1_024),
            UserRequestRecord(ts: 6, keyID: nil, route: "/api/news", method: "GET", status: 500, latencyUs: 3, bytes: 0),
        ])
    }

    @Test("malformed rows are refused, never half-read", arguments: [
        "1,-1,0,0,200,1",                 // six fields
        "1,-1,0,0,200,1,2,3",             // eight fields
        "1,-1,0,0,200,1,2;",              // empty row after the separator
        "1,-1,0,7,200,1,2",               // method index outside the table
        "1,-2,0,0,200,1,2",               // key index below -1
        "1,-1,0,0,200,1,x",               // not a number
        "1,-1,0,0,200,1,99999999999999999999", // overflows Int64
        "1,-1,0,0,2-00,1,2",              // sign inside a number
        "1,,0,0,200,1,2",                 // empty field
    ])
    func malformed(rows: String) {
        let json = #"{"strings":["/api/prices"],"rows":"\#(rows)"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Params.self, from: Data(json.utf8)) }
    }

    @Test("every audited request becomes exactly one row with its fields (2,000 rows through the RPC form)")
    func oneRowPerRequest() async throws {
        let routes = ["/api/prices", "/api/ohlcv", "/api/news"]
        let statuses = [200, 429, 404, 503]
        var records: [UserRequestRecord] = []
        for index in 0..<2_000 {
            let keyID: String? = index % 5 == 0 ? nil : "key-\(index % 7)"
            let method = index % 11 == 0 ? "POST" : "GET"
            let ts: Int64 = 1_711_356_300_000 + Int64(index / 3)
            records.append(UserRequestRecord(ts: ts, keyID: keyID, route: routes[index % 3], method: method,
                                             status: statuses[index % 4], latencyUs: Int64(index * 13), bytes: Int64(index * 101)))
        }
        let wire = try JSONDecoder().decode(Params.self, from: try JSONEncoder().encode(Params(requests: records)))
        try await withStore { store, _ async throws in
            #expect(try await store.recordUserRequests(wire.requests) == 2_000)
            #expect(try await store.recordUserRequests(Array(wire.requests.prefix(1))) == 1)
            let rows = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT ts, key_id, route, method, status, latency_us, bytes FROM user_requests ORDER BY id")
            }
            let stored = rows.map {
                UserRequestRecord(ts: $0["ts"], keyID: $0["key_id"], route: $0["route"], method: $0["method"], status: $0["status"],
                                  latencyUs: $0["latency_us"], bytes: $0["bytes"])
            }
            #expect(stored == records + [records[0]])
            #expect(try await store.userRequestCount(keyID: "key-1", since: 0) == records.filter { $0.keyID == "key-1" }.count)
            #expect(try await store.userRequestCount(keyID: nil, since: 0) == 400 + 1)
        }
    }

    @Test("a blank route or method is refused (the fast check still falls back to full whitespace trimming)")
    func blankStrings() async throws {
        try await withStore { store, _ async throws in
            for route in ["", "   ", "\u{00A0}\t", "\n"] {
                await #expect(throws: StoreError.self) {
                    try await store.recordUserRequests([UserRequestRecord(ts: 1, keyID: nil, route: route, method: "GET", status: 200,
                                                                          latencyUs: 1, bytes: 1)])
                }
            }
            #expect(try await store.recordUserRequests([UserRequestRecord(ts: 1, keyID: nil, route: " /api/x", method: "GET",
                                                                          status: 200, latencyUs: 1, bytes: 1)]) == 1)
        }
    }
}
