import Foundation
import RPC
import Synchronization

enum Echo: RPCMethod {
    static let name = "test.echo"
    struct Params: Codable, Sendable, Hashable {
        var value: String
        var n: Int
    }
    typealias Result = Params
}

enum Sleep: RPCMethod {
    static let name = "test.sleep"
    struct Params: Codable, Sendable { var ms: Int }
    struct Result: Codable, Sendable { var slept: Int }
}

enum Fail: RPCMethod {
    static let name = "test.fail"
    typealias Params = NoParams
    typealias Result = NoParams
}

enum Publish: RPCMethod {
    static let name = "test.publish"
    struct Params: Codable, Sendable { var topic: String; var value: Int }
    struct Result: Codable, Sendable { var delivered: Int }
}

struct Tick: Codable, Sendable, Hashable { var value: Int }

/// Observations made by the test handlers.
final class Probe: Sendable {
    let started = Atomic<Int>(0)
    let completed = Atomic<Int>(0)
    let cancelled = Atomic<Int>(0)
}

func makeRouter(probe: Probe = Probe(), hub: NotificationHub = NotificationHub()) -> RPCRouter {
    var router = RPCRouter()
    router.register(Echo.self) { params, _ in params }
    router.register(Sleep.self) { params, _ in
        probe.started.add(1, ordering: .relaxed)
        do {
            try await Task.sleep(for: .milliseconds(params.ms))
        } catch {
            probe.cancelled.add(1, ordering: .relaxed)
            throw error
        }
        probe.completed.add(1, ordering: .relaxed)
        return .init(slept: params.ms)
    }
    router.register(Fail.self) { _, _ in
        throw RPCError.problem("unknown-asset", status: 404, title: "Unknown asset", detail: "no asset XYZ",
                               extensions: ["symbol": "XYZ"])
    }
    router.register(Publish.self) { params, _ in
        .init(delivered: hub.publish(topic: params.topic, Tick(value: params.value)))
    }
    return router
}
