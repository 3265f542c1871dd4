import Contracts
import NIOCore
import RPC
import ServiceKit

/// A failed call to a named backend service, mapped to a problem at the edge.
struct BackendError: Error {
    let service: String
    let error: RPCError
}

/// The RPC clients of the backend services.
public struct Backends: Sendable {
    private let clients: [ServiceName: RPCClient]

    /// Creates clients for every backend at the addresses the settings name.
    public init(settings: Settings) throws {
        var clients: [ServiceName: RPCClient] = [:]
        for service in ServiceName.backends {
            clients[service] = RPCClient(configuration: .init(
                address: try settings.rpcAddress(of: service),
                connections: settings.int("rpc.client.connections", default: 2),
                defaultTimeout: settings.seconds("rpc.call.timeout", default: 10)))
        }
        self.clients = clients
    }

    /// The client of one backend.
    public func client(_ service: ServiceName) -> RPCClient { clients[service]! }

    /// Calls a backend method; RPC errors become ``BackendError`` naming the service.
    func call<M: RPCMethod>(_ service: ServiceName, _ method: M.Type, _ params: M.Params, requestID: String,
                            timeout: Duration? = nil) async throws -> M.Result {
        do {
            return try await client(service).call(method, params, timeout: timeout, context: RPCCallContext(requestID: requestID))
        } catch let error as RPCError {
            throw BackendError(service: service.executable, error: error)
        }
    }

    /// Closes every connection.
    public func close() {
        for client in clients.values { client.close() }
    }
}
