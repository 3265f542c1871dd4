import Hummingbird
import Logging
import NIOCore

/// The gateway's per-request context: Hummingbird's core storage plus the request id.
public struct GatewayContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request id (from a well-formed inbound `X-Request-Id`, else generated), echoed on the response.
    public var requestID: String
    /// The client's address, for per-IP limits and logs.
    public let remoteAddress: SocketAddress?
    /// Who is calling; anonymous (by client IP) until the authentication middleware resolves credentials.
    public var identity: Identity
    /// The `/ws` gate's decision for a WebSocket upgrade attempt (see ``LiveServerChannel``).
    public let liveUpgrade = LiveUpgradeSlot()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = RequestIDs.generate()
        self.remoteAddress = source.channel.remoteAddress
        self.identity = .anonymous(ip: source.channel.remoteAddress?.ipAddress ?? "unknown")
    }

    /// Request bodies above 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
}

/// Request id generation and validation.
enum RequestIDs {
    /// A new random 128-bit id as 32 hex characters.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    /// Accepts an inbound id of 1–128 URL-safe characters; anything else is replaced.
    static func isAcceptable(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 128 else { return false }
        return value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
