import Foundation
import NIOCore
@testable import RPC
import Testing

/// The frame scanner must agree with a JSON parser on what is valid, and find the members by range.
@Suite("RPC frame scanner")
struct FrameScannerTests {
    @Test("valid frames: members are found and decoded", arguments: [
        #"{"jsonrpc":"2.0","id":7,"method":"a.b","params":{"x":[1,2,{"y":"z"}]}}"#,
        #"  { "method" : "a.b" , "params":{"x":[1,2,{"y":"z"}]}, "id": 7, "jsonrpc": "2.0" }  "#,
        #"{"jsonrpc":"2.0","id":7,"method":"a.b","params":{"x":[1,2,{"y":"z"}]},"extra":{"deep":[[[]]],"s":"\u00e9\"\\"}}"#,
    ])
    func validFrames(text: String) throws {
        let frame = try InboundFrame(ByteBuffer(string: text))
        #expect(frame.isVersion2)
        #expect(frame.id == .value(.number(7)))
        #expect(frame.method == "a.b")
        struct Params: Decodable, Equatable { var x: [JSON] }
        #expect(try frame.params(Params.self) == Params(x: [1, 2, ["y": "z"]]))
    }

    @Test("ids: numbers, strings with escapes, null, absent, fractions")
    func ids() throws {
        #expect(try InboundFrame(ByteBuffer(string: #"{"id":"a\"b"}"#)).id == .value(.string("a\"b")))
        #expect(try InboundFrame(ByteBuffer(string: #"{"id":-12}"#)).id == .value(.number(-12)))
        #expect(try InboundFrame(ByteBuffer(string: #"{"id":null}"#)).id == .null)
        #expect(try InboundFrame(ByteBuffer(string: #"{"method":"x"}"#)).id == .absent)
        #expect(try InboundFrame(ByteBuffer(string: #"{"id":1.5}"#)).id == .invalid)
        #expect(try InboundFrame(ByteBuffer(string: #"{"id":{"a":1}}"#)).id == .invalid)
    }

    @Test("a method name with escapes is decoded")
    func escapedMethod() throws {
        #expect(try InboundFrame(ByteBuffer(string: #"{"method":"a\u002Eb"}"#)).method == "a.b")
    }

    @Test("invalid JSON is rejected", arguments: [
        "", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#, #"{"a":tru}"#,
        #"{"a":"unterminated}"#, #"{"a":"bad \q escape"}"#, #"{"a":"\u12G4"}"#, #"{"a":[1,2}"#, #"{"a":1} trailing"#,
        "{\"a\":\"raw\ncontrol\"}", #"{'a':1}"#, #"{"a":1 "b":2}"#, #"{"a":+1}"#, #"{"a":1e}"#,
    ])
    func invalid(text: String) {
        #expect(throws: ScannedFrame.SyntaxError.self) { try InboundFrame(ByteBuffer(string: text)) }
    }

    @Test("valid JSON that is not an object", arguments: [#"[1,2]"#, #""s""#, "42", "null", "true"])
    func notAnObject(text: String) {
        #expect(throws: ScannedFrame.NotAnObject.self) { try InboundFrame(ByteBuffer(string: text)) }
    }

    @Test("nesting deeper than the limit is rejected, not a stack overflow")
    func deepNesting() {
        let deep = #"{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(throws: ScannedFrame.SyntaxError.self) { try InboundFrame(ByteBuffer(string: deep)) }
    }

    @Test("encoded requests round-trip through the scanner, including hostile strings")
    func encodeRoundTrip() throws {
        let method = "we\"ird\\name\n\u{01}é"
        let buffer = try RPCCodec.request(id: .string("i\"d"), method: method, params: ["k": "v\"\\\u{7}"],
                                          ctx: RPCCallContext(requestID: "r\"1", timeoutMs: 250))
        var trimmed = buffer
        trimmed.moveWriterIndex(to: buffer.writerIndex - 1) // drop the newline
        let frame = try InboundFrame(trimmed)
        #expect(frame.method == method)
        #expect(frame.id == .value(.string("i\"d")))
        #expect(frame.context == RPCCallContext(requestID: "r\"1", timeoutMs: 250))
        #expect(try frame.params([String: String].self) == ["k": "v\"\\\u{7}"])
    }

    @Test("ctx is read the same as JSONDecoder reads it (fast path and fallback)", arguments: [
        #"{"request_id":"req-1","timeout_ms":250}"#,
        #"{ "timeout_ms" : 10000 , "request_id" : "a b" }"#,
        #"{"request_id":null,"timeout_ms":null}"#,
        #"{"timeout_ms":-5}"#,
        #"{"request_id":"r\"1\u00e9"}"#,
        #"{"timeout_ms":1.5}"#,
        #"{"timeout_ms":"250"}"#,
        #"{"timeout_ms":92233720368547758070}"#,
        #"{"request_id":7}"#,
        #"{"other":{"request_id":"x"},"timeout_ms":3}"#,
        #"{}"#,
        #"[1]"#,
        #""text""#,
    ])
    func contextMatchesDecoder(ctx: String) throws {
        let frame = try InboundFrame(ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"m","ctx":"# + ctx + "}"))
        let expected = try? JSONDecoder().decode(RPCCallContext.self, from: Data(ctx.utf8))
        #expect(frame.context == expected)
    }
}
