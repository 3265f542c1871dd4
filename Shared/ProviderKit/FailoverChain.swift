/// Every provider of a chain failed; the failures in chain order.
public struct AllProvidersFailed: Error, Sendable {
    /// One failure per provider tried (or skipped).
    public var failures: [ProviderFailure]
    /// Creates the error.
    public init(failures: [ProviderFailure]) { self.failures = failures }
}

/// Tries providers in order until one answers; collects every failure for the 503 problem.
public enum FailoverChain {
    /// The first provider's answer (with its name), or every provider's failure.
    public static func first<Provider: Sendable, T: Sendable>(
        _ providers: [Provider], name: (Provider) -> String,
        _ attempt: (Provider) async throws(ProviderFailure) -> T
    ) async -> Result<(value: T, provider: String), AllProvidersFailed> {
        var failures: [ProviderFailure] = []
        for provider in providers {
            if Task.isCancelled {
                failures.append(ProviderFailure(provider: name(provider), kind: .timeout, message: "request cancelled"))
                break
            }
            do throws(ProviderFailure) {
                return .success((try await attempt(provider), name(provider)))
            } catch {
                failures.append(error)
            }
        }
        return .failure(AllProvidersFailed(failures: failures))
    }
}
