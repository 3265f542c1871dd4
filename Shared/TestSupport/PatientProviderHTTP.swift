import ProviderKit

/// A `ProviderHTTP` for in-process tests of provider parsing and mapping (not of timeouts, which FaultTests cover).
///
/// The client's own connect and read timeouts (1 s / 1.5 s by default) are 30 s: in the first seconds of a parallel
/// `make test`, especially on a fresh clone, a slow local answer from the replay upstream would otherwise fail as
/// `HTTPClientError.readTimeout`. Tests still set their provider deadline (`PROVIDER_TIMEOUT`) themselves.
public enum PatientProviderHTTP {
    /// Runs `body` with a fresh patient client and shuts the client down afterwards, whether `body` throws or not.
    public static func with<T>(_ body: (ProviderHTTP) async throws -> T) async throws -> T {
        let http = ProviderHTTP(configuration: .init(connectTimeout: .seconds(30), requestTimeout: .seconds(30)))
        do {
            let result = try await body(http)
            await http.shutdown()
            return result
        } catch {
            await http.shutdown()
            throw error
        }
    }
}
