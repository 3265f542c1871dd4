import Foundation
import RPC
import Testing
import TestSupport

/// Wire-level behaviour: JSON-RPC error codes, framing limits, connection handling.
@Suite("RPC protocol", .timeLimit(.minutes(1)))
struct RPCProtocolTests {
    @Test("invalid JSON → -32700 with a null id")
    func parseError() async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            let client = try await LineClient(address: address)
            let reply = try #require(try await client.exchange(#"{"jsonrpc":"2.0","id":1,"method":"#))
            #expect((reply["error"] as? [String: Any])?["code"] as? Int == -32700)
            #expect(reply["id"] is NSNull)
            // The connection survives a parse error.
            let echo = try #require(try await client.exchange(#"{"jsonrpc":"2.0","id":2,"method":"test.echo","params":{"value":"a","n":1}}"#))
            #expect((echo["result"] as? [String: Any])?["value"] as? String == "a")
        }
    }

    @Test("missing jsonrpc or method, or a non-object → -32600", arguments: [
        #"{"id":1,"method":"test.echo","params":{"value":"a","n":1}}"#,
        #"{"jsonrpc":"1.0","id":1,"method":"test.echo"}"#,
        #"{"jsonrpc":"2.0","id":1}"#,
        #"{"jsonrpc":"2.0","id":1,"method":42}"#,
        #"[{"jsonrpc":"2.0","id":1,"method":"test.echo"}]"#,
        #""just a string""#,
    ])
    func invalidRequest(line: String) async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            let client = try await LineClient(address: address)
            let reply = try #require(try await client.exchange(line))
            #expect((reply["error"] as? [String: Any])?["code"] as? Int == -32600)
        }
    }

    @Test("the id of an invalid request is echoed when it can be read")
    func invalidRequestKeepsID() async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            let client = try await LineClient(address: address)
            let reply = try #require(try await client.exchange(#"{"id":"abc","method":"test.echo"}"#))
            #expect(reply["id"] as? String == "abc")
        }
    }

    @Test("unknown method → -32601")
    func unknownMethod() async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            let client = try await LineClient(address: address)
            let reply = try #require(try await client.exchange(#"{"jsonrpc":"2.0","id":7,"method":"no.such"}"#))
            #expect((reply["error"] as? [String: Any])?["code"] as? Int == -32601)
            #expect(reply["id"] as? Int == 7)
        }
    }

    @Test("bad params → -32602 naming the field", arguments: [
        #"{"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"value":"a"}}"#,
        #"{"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"value":3,"n":1}}"#,
        #"{"jsonrpc":"2.0","id":1,"method":"test.echo","params":[1,2]}"#,
        #"{"jsonrpc":"2.0","id":1,"method":"test.echo"}"#,
    ])
    func invalidParams(line: String) async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            let client = try await LineClient(address: address)
            let reply = try #require(try await client.exchange(line))
            let error = try #require(reply["error"] as? [String: Any])
            #expect(error["code"] as? Int == -32602)
            #expect((error["data"] as? [String: Any])?["type"] as? String == "invalid-parameter")
        }
    }

    @Test("application errors carry their problem")
    func applicationError() async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            let client = RPCClient.patient(address)
            defer { client.close() }
            let error = await #expect(throws: RPCError.self) { try await client.call(Fail.self, NoParams()) }
            #expect(error?.code == RPCErrorCode.application)
            #expect(error?.data?.type == "unknown-asset")
            #expect(error?.data?.status == 404)
            #expect(error?.data?.extensions["symbol"] == "XYZ")
        }
    }

    @Test("an oversized frame gets an error and closes that connection; the server keeps serving")
    func oversizedFrame() async throws {
        try await RPCTestServer.with(router: makeRouter(), maxFrameBytes: 4_096) { _, address, _ in
            let client = try await LineClient(address: address)
            let big = #"{"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"value":""# + String(repeating: "x", count: 10_000) + #"","n":1}}"#
            let reply = try #require(try await client.exchange(big))
            #expect((reply["error"] as? [String: Any])?["code"] as? Int == -32600)
            // Then the server closes the connection.
            let closed = try await client.readObject()
            #expect(closed == nil)
            // Another connection works.
            let other = RPCClient.patient(address)
            defer { other.close() }
            let echo = try await other.call(Echo.self, .init(value: "still up", n: 2))
            #expect(echo.value == "still up")
        }
    }

    @Test("notifications without id get no reply; a following request is answered")
    func notificationsAreNotAnswered() async throws {
        try await RPCTestServer.with(router: makeRouter()) { _, address, _ in
            let client = try await LineClient(address: address)
            try await client.send(#"{"jsonrpc":"2.0","method":"test.echo","params":{"value":"n","n":0}}"# + "\n")
            let reply = try #require(try await client.exchange(#"{"jsonrpc":"2.0","id":9,"method":"test.echo","params":{"value":"r","n":1}}"#))
            #expect(reply["id"] as? Int == 9)
        }
    }

    @Test("a client that disconnects mid-call leaves the server healthy; the handler is cancelled")
    func clientDisconnectMidCall() async throws {
        let probe = Probe()
        try await RPCTestServer.with(router: makeRouter(probe: probe)) { server, address, _ in
            let client = try await LineClient(address: address)
            // The handler would sleep 60 s: only cancellation ends it sooner, even on a starved test machine.
            try await client.send(#"{"jsonrpc":"2.0","id":1,"method":"test.sleep","params":{"ms":60000}}"# + "\n")
            #expect(await Eventually.wait(timeout: .seconds(10)) { probe.started.load(ordering: .relaxed) == 1 })
            await client.close()
            #expect(await Eventually.wait(timeout: .seconds(30)) { server.inFlightCalls == 0 })
            #expect(probe.cancelled.load(ordering: .relaxed) == 1)
            #expect(probe.completed.load(ordering: .relaxed) == 0)
            let other = RPCClient.patient(address)
            defer { other.close() }
            let value1 = try await other.call(Echo.self, .init(value: "ok", n: 1))
            #expect(value1.value == "ok")
        }
    }
}
