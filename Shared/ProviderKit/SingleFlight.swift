import Synchronization

/// Collapses identical concurrent work: while a call for a key is running, further callers for the same key
/// wait for its result instead of starting their own (so 100 identical requests make one upstream call).
///
/// The first caller (the leader) runs the operation in its own task; if the leader is cancelled, the followers
/// receive its cancellation error, like every other failure of the shared call. The operation runs on Swift's
/// global concurrent executor even when the leader's task prefers an RPC connection's event loop: the shared work
/// is an upstream fetch plus parsing of a possibly large body, which must not hold that loop (see
/// `RPCHandlerPlacement`).
public final class SingleFlight<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private typealias Waiter = CheckedContinuation<Result<Value, any Error>?, Never>
    private let inFlight = Mutex<[Key: [Waiter]]>([:])
    private let joinedCount = Atomic<Int>(0)

    /// Creates an empty group.
    public init() {}

    /// Runs `operation` for `key`, or joins the run already in flight for it.
    public func run(_ key: Key, _ operation: () async throws -> Value) async throws -> Value {
        let shared: Result<Value, any Error>? = await withCheckedContinuation { (waiter: Waiter) in
            let leads = inFlight.withLock { table -> Bool in
                if table[key] != nil {
                    table[key]!.append(waiter)
                    return false
                }
                table[key] = []
                return true
            }
            if leads { waiter.resume(returning: nil) } else { joinedCount.add(1, ordering: .relaxed) }
        }
        if let shared { return try shared.get() }
        let result: Result<Value, any Error>
        do {
            result = .success(try await withTaskExecutorPreference(globalConcurrentExecutor) { try await operation() })
        } catch {
            result = .failure(error)
        }
        let waiters = inFlight.withLock { $0.removeValue(forKey: key) ?? [] }
        for waiter in waiters { waiter.resume(returning: result) }
        return try result.get()
    }

    /// How many callers joined a run instead of starting one (for metrics and tests).
    public var joined: Int { joinedCount.load(ordering: .relaxed) }
}
