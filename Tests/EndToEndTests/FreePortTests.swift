import Foundation
import Testing
@testable import TestSupport

/// The ports tests start services on.
@Suite("free ports for test services")
struct FreePortTests {
    @Test("distinct, bindable, and below the kernel's ephemeral range, so no bind(0) can take them meanwhile")
    func belowEphemeralRange() throws {
        let ports = try (0..<50).map { _ in try FreePort.next() }
        #expect(Set(ports).count == ports.count)
        #expect(FreePort.ephemeralStart > 10_000)
        for port in ports {
            #expect(port >= 10_000 && port < FreePort.ephemeralStart, "\(port)")
            #expect(FreePort.bindable(port))
        }
        // What the kernel hands out for port 0 is in the ephemeral range, never one of ours.
        let assigned = try FreePort.bound(port: 0)
        #expect(assigned >= FreePort.ephemeralStart)
    }
}
