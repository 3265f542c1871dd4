import RPC

extension RPCClient {
    /// A client for tests whose connections are expected to succeed: a 10 s connect timeout instead of the
    /// production 500 ms.
    ///
    /// Why: in the first seconds of a parallel `make test` on two cores, the client's event loop can wait longer than
    /// 500 ms to be scheduled and see its connect complete (seen as "cannot connect to tcp://127.0.0.1:…: Connect
    /// timeout (500 ms)" against a server that was listening). A refused or missing socket still fails at once.
    public static func patient(_ address: RPCAddress, connections: Int = 2) -> RPCClient {
        RPCClient(configuration: .init(address: address, connections: connections, connectTimeout: .seconds(10)))
    }
}
