import Contracts
import CryptoModels
import Foundation
import RPC
import TestSupport

/// A real store-svc process on a data directory, and a client of it.
struct StoreNode {
    let process: ServiceProcess
    let client: RPCClient

    /// The environment store-svc runs with on `dataDir`.
    static func environment(_ dataDir: String, _ extra: [String: String] = [:]) -> [String: String] {
        var env = ["DATA_DIR": dataDir, "SOCKET_DIR": dataDir + "/run", "LOG_LEVEL": "warning"]
        env.merge(extra) { _, new in new }
        return env
    }

    /// store-svc's socket in `dataDir`.
    static func address(_ dataDir: String) -> RPCAddress { .unix(path: dataDir + "/run/store.sock") }

    /// A client with short timeouts and backoff, suited to a service that is killed and restarted.
    static func client(_ dataDir: String) -> RPCClient {
        RPCClient(configuration: .init(address: address(dataDir), connections: 2, connectTimeout: .milliseconds(300),
                                       defaultTimeout: .seconds(5), initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(100)))
    }

    /// Starts store-svc on `dataDir` and waits until it answers.
    static func start(_ dataDir: String, log: String, environment extra: [String: String] = [:]) async throws -> StoreNode {
        let process = try ServiceProcess(executable: BuiltProducts.path("store-svc"), environment: environment(dataDir, extra),
                                         logPath: log)
        let client = client(dataDir)
        let ready = await Eventually.wait(timeout: .seconds(20), interval: .milliseconds(10)) {
            (try? await client.call(System.Info.self, NoParams(), timeout: .milliseconds(300)))?.pid == process.pid
        }
        guard ready else {
            client.close()
            await process.stop()
            throw StoreNodeError(description: "store-svc did not start: \(process.output())")
        }
        return StoreNode(process: process, client: client)
    }

    /// Runs `body`; when it throws, stops the process (SIGTERM) before passing the error on.
    func guarding<T>(_ body: (StoreNode) async throws -> T) async throws -> T {
        do {
            return try await body(self)
        } catch {
            await stop()
            throw error
        }
    }

    /// SIGTERM, wait, close the client.
    func stop() async {
        await process.stop()
        client.close()
    }

    /// SIGKILL, wait for the exit, close the client.
    func kill9() async {
        process.signal(SIGKILL)
        await process.waitForExit(timeout: .seconds(5))
        client.close()
    }

    /// A quote of the test symbol at `ts` with a price derived from it.
    static func quote(_ symbol: String, at ts: EpochMillis) -> Quote {
        Quote(symbol: symbol, vs: "usd", price: Amount(parsing: "\(ts % 1_000_000).\(ts % 97)")!, ts: ts)
    }

    /// The stored timestamps of `symbol` in `[from, to]`; exact when `to - from < 10,000` (each ms is its own bucket).
    func storedTimes(_ symbol: String, from: EpochMillis, to: EpochMillis) async throws -> Set<EpochMillis> {
        do {
            let history = try await client.call(Contracts.Store.PriceHistory.self,
                                                .init(symbol: symbol, from: from, to: to, maxPoints: 10_000))
            return Set(history.points.map(\.ts))
        } catch let error as RPCError where error.data?.type == "unknown-asset" {
            return []
        }
    }
}

/// A store-svc process that would not start.
struct StoreNodeError: Error, CustomStringConvertible {
    let description: String
}

/// Runs a built command-line tool to completion and returns its exit status and output.
func runTool(_ name: String, _ arguments: [String], environment: [String: String], log: String) async throws -> (status: Int32?, output: String) {
    let process = try ServiceProcess(executable: BuiltProducts.path(name), arguments: arguments, environment: environment, logPath: log)
    let status = await process.waitForExit(timeout: .seconds(60))
    return (status, process.output())
}
