import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A provider's HTTP answer: status, headers and the whole body (bounded by the maximum body size).
public struct ProviderResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// Response headers.
    public var headers: HTTPHeaders
    /// The body.
    public var body: ByteBuffer

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `Retry-After` as a duration (delta seconds; an HTTP date counts as 60 s).
    public var retryAfter: Duration? {
        guard let text = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds >= 0 { return .milliseconds(Int64(seconds * 1_000)) }
        return .seconds(60)
    }
}

/// The one shared HTTP client of a process's provider adapters: connection keep-alive and pooling, connect and
/// total timeouts, transparent gzip, a maximum body size and a User-Agent. API keys travel as headers or query
/// items given per call and never appear in error messages or logs (messages name the path only).
public final class ProviderHTTP: Sendable {
    /// Client settings.
    public struct Configuration: Sendable {
        /// Time to establish a connection.
        public var connectTimeout: Duration
        /// Default total time for one request (head and body).
        public var requestTimeout: Duration
        /// Largest body accepted; larger answers are a `malformed` failure.
        public var maxBodyBytes: Int
        /// The `User-Agent` header.
        public var userAgent: String

        /// Creates a configuration.
        public init(connectTimeout: Duration = .seconds(1), requestTimeout: Duration = .milliseconds(1_500),
                    maxBodyBytes: Int = 16 << 20, userAgent: String = "Crypto-DT-Source/0.1 (+self-hosted)") {
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.maxBodyBytes = maxBodyBytes
            self.userAgent = userAgent
        }
    }

    /// The settings.
    public let configuration: Configuration
    private let client: HTTPClient

    /// Creates the shared client on the process-wide event loop group.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var config = HTTPClient.Configuration(
            timeout: .init(connect: .nanoseconds(configuration.connectTimeout.nanosecondsValue),
                           read: .nanoseconds(configuration.requestTimeout.nanosecondsValue)),
            connectionPool: .init(idleTimeout: .seconds(60)),
            decompression: .enabled(limit: .size(configuration.maxBodyBytes)))
        config.redirectConfiguration = .follow(max: 3, allowCycles: false)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    /// Sends a GET to `url` and returns the answer, whatever its status. `redactedURL` names the request in errors.
    ///
    /// - Parameters:
    ///   - accept: the `Accept` header (feeds ask for RSS/Atom/XML).
    ///   - maxBodyBytes: a lower body limit for this request than the client's; reading stops once it is passed.
    /// - Throws: ``ProviderFailure`` of kind `timeout` (nothing complete within `timeout`), `transport`, or
    ///   `malformed` (a body over the maximum size).
    public func get(provider: String, url: String, redactedURL: String, headers: [(String, String)] = [],
                    timeout: Duration? = nil, accept: String = "application/json",
                    maxBodyBytes: Int? = nil) async throws(ProviderFailure) -> ProviderResponse {
        let limit = timeout ?? configuration.requestTimeout
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: accept)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let prepared = request
        let maxBody = min(maxBodyBytes ?? configuration.maxBodyBytes, configuration.maxBodyBytes)
        let client = self.client
        do {
            return try await withThrowingTaskGroup(of: ProviderResponse?.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: .nanoseconds(limit.nanosecondsValue))
                    let body = try await response.body.collect(upTo: maxBody)
                    return ProviderResponse(status: Int(response.status.code), headers: response.headers, body: body)
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                let first = try await group.next()!
                group.cancelAll()
                guard let first else {
                    throw ProviderFailure(provider: provider, kind: .timeout,
                                          message: "no complete answer within \(Self.format(limit)) from \(redactedURL)")
                }
                return first
            }
        } catch let failure as ProviderFailure {
            throw failure
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                throw ProviderFailure(provider: provider, kind: .timeout, message: "\(error) calling \(redactedURL)")
            default:
                throw ProviderFailure(provider: provider, kind: .transport, message: "\(error) calling \(redactedURL)")
            }
        } catch let error as NIOTooManyBytesError {
            throw ProviderFailure(provider: provider, kind: .malformed,
                                  message: "body larger than \(maxBody) bytes from \(redactedURL) (\(error))")
        } catch is CancellationError {
            throw ProviderFailure(provider: provider, kind: .timeout, message: "cancelled calling \(redactedURL)")
        } catch {
            throw ProviderFailure(provider: provider, kind: .transport, message: "\(error) calling \(redactedURL)")
        }
    }

    /// Closes every pooled connection.
    public func shutdown() async {
        try? await client.shutdown()
    }

    static func format(_ duration: Duration) -> String {
        String(format: "%.1f s", duration.secondsValue)
    }
}

extension Duration {
    var nanosecondsValue: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
