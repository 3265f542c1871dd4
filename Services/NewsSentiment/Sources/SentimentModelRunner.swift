import Contracts
import CryptoModels
import Dispatch
import Foundation
import Logging
import RPC
import ServiceLifecycle
import Synchronization

/// Something that classifies texts with one sentiment model (the RPC handler's dependency; tests may substitute it).
public protocol SentimentAnalyzing: Sendable {
    /// Scores `texts` (already validated against ``Sentiment/Limits``).
    /// - Throws: `model-unavailable` (503) when the model is loading, missing or corrupt.
    func analyze(_ texts: [String]) async throws -> Sentiment.Analyze.Result
    /// The model's health: loaded, loading, or unavailable and why.
    func healthCheck() -> ComponentCheck
}

/// Loads one sentiment model in the background and serves it with micro-batching.
///
/// `run()` loads the model off the cooperative pool (so the service answers health at once, saying `loading`),
/// then collects concurrent ``analyze(_:)`` calls for up to `window` and runs them as one packed forward pass on
/// the model's own serial queue. A load failure leaves the runner `unavailable` with the reason; calls then fail
/// with `model-unavailable` — there is no keyword fallback.
public final class SentimentModelRunner: Service, SentimentAnalyzing {
    /// The model's state.
    public enum State: Sendable {
        /// Loading since the given time.
        case loading
        /// Ready.
        case loaded(SentimentEngine)
        /// Cannot serve: the reason (missing directory, corrupt weights …).
        case unavailable(String)
    }

    private struct Job: Sendable {
        let texts: [String]
        let continuation: CheckedContinuation<[SentimentScore], any Error>
    }

    private struct Queue {
        var jobs: [Job] = []
        var closed = false
    }

    /// Which model.
    public let kind: Sentiment.Model
    /// Its directory.
    public let directory: String
    private let threads: Int?
    private let window: Duration
    private let maxBatchTexts: Int
    private let logger: Logger
    private let state = Mutex<State>(.loading)
    private let counters = Mutex<Statistics>(Statistics())
    private let queue = Mutex(Queue())
    private let wakeUps: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private let executor: DispatchQueue

    /// Creates a runner; nothing is loaded until ``run()``.
    /// - Parameters:
    ///   - threads: OpenBLAS threads (process-wide); `nil` keeps OpenBLAS's own setting (`OPENBLAS_NUM_THREADS`).
    ///   - window: how long to collect concurrent calls before running them together.
    ///   - maxBatchTexts: most texts per forward pass.
    public init(kind: Sentiment.Model, directory: String, threads: Int?, window: Duration = .milliseconds(2),
                maxBatchTexts: Int = 256, logger: Logger) {
        self.kind = kind
        self.directory = directory
        self.threads = threads
        self.window = window
        self.maxBatchTexts = max(1, maxBatchTexts)
        self.logger = logger
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        executor = DispatchQueue(label: "sentiment.\(kind.rawValue)", qos: .userInitiated)
    }

    /// How much work the runner has done.
    public struct Statistics: Sendable, Equatable {
        /// Forward passes run (each one micro-batch of one or more calls).
        public var batches = 0
        /// Calls answered.
        public var calls = 0
        /// Texts classified.
        public var texts = 0
    }

    /// Work done so far.
    public var statistics: Statistics { counters.withLock { $0 } }

    /// The current state.
    public var currentState: State { state.withLock { $0 } }

    /// Loads the model, then serves batches until graceful shutdown; calls still queued then fail as shutting down.
    public func run() async throws {
        await load()
        await withGracefulShutdownHandler {
            for await _ in wakeUps {
                try? await Task.sleep(for: window)
                var pending = queue.withLock { q in defer { q.jobs = [] }; return q.jobs }
                while !pending.isEmpty {
                    var batch: [Job] = []
                    var count = 0
                    while let job = pending.first, batch.isEmpty || count + job.texts.count <= maxBatchTexts {
                        batch.append(job)
                        count += job.texts.count
                        pending.removeFirst()
                    }
                    await execute(batch)
                }
            }
        } onGracefulShutdown: {
            self.wakeUp.finish()
        }
        let leftovers = queue.withLock { q in
            q.closed = true
            defer { q.jobs = [] }
            return q.jobs
        }
        for job in leftovers {
            job.continuation.resume(throwing: RPCError(code: RPCErrorCode.shuttingDown, message: "shutting down"))
        }
    }

    /// Scores `texts` in the next micro-batch.
    public func analyze(_ texts: [String]) async throws -> Sentiment.Analyze.Result {
        let engine: SentimentEngine
        switch currentState {
        case .loaded(let loaded): engine = loaded
        case .loading: throw unavailable("the \(kind.rawValue) sentiment model is still loading", retryAfter: 2)
        case .unavailable(let reason): throw unavailable("the \(kind.rawValue) sentiment model is unavailable: \(reason)", retryAfter: 30)
        }
        let scores = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[SentimentScore], any Error>) in
            let accepted = queue.withLock { q -> Bool in
                guard !q.closed else { return false }
                q.jobs.append(Job(texts: texts, continuation: continuation))
                return true
            }
            if accepted {
                wakeUp.yield()
            } else {
                continuation.resume(throwing: RPCError(code: RPCErrorCode.shuttingDown, message: "shutting down"))
            }
        }
        return .init(results: scores, model: kind, modelID: engine.modelID, modelVersion: engine.version)
    }

    /// `model:<kind>`: healthy when loaded (with id, version, labels), degraded while loading or when unavailable
    /// (with the reason) — the rest of the service keeps working without a model.
    public func healthCheck() -> ComponentCheck {
        let name = "model:\(kind.rawValue)"
        switch currentState {
        case .loading:
            return ComponentCheck(name: name, status: .degraded, detail: "loading from \(directory)",
                                  observed: ["state": "loading", "directory": .string(directory)])
        case .loaded(let engine):
            return ComponentCheck(name: name, status: .healthy, detail: nil, observed: [
                "state": "loaded", "directory": .string(directory), "model_id": .string(engine.modelID),
                "model_version": .string(engine.version), "labels": .array(engine.labels.map(JSON.string)),
            ])
        case .unavailable(let reason):
            return ComponentCheck(name: name, status: .degraded, detail: "unavailable: \(reason)",
                                  observed: ["state": "unavailable", "directory": .string(directory), "reason": .string(reason)])
        }
    }

    private func load() async {
        let started = ContinuousClock.now
        let (kind, directory, threads) = (self.kind, self.directory, self.threads)
        let outcome: State = await onExecutor {
            defer { MallocTuning.releaseFreedMemory() }
            do {
                return .loaded(try SentimentEngine(kind: kind, directory: directory, threads: threads))
            } catch {
                return .unavailable(String(describing: error))
            }
        }
        state.withLock { $0 = outcome }
        switch outcome {
        case .loaded(let engine):
            logger.info("sentiment model loaded", metadata: [
                "model": "\(kind.rawValue)", "model.id": "\(engine.modelID)", "model.version": "\(engine.version)",
                "directory": "\(directory)", "elapsed": "\(ContinuousClock.now - started)"])
        case .unavailable(let reason):
            logger.error("sentiment model unavailable", metadata: ["model": "\(kind.rawValue)", "directory": "\(directory)",
                                                                  "reason": "\(reason)"])
        case .loading:
            break
        }
    }

    private func execute(_ batch: [Job]) async {
        guard case .loaded(let engine) = currentState else { return }
        let texts = batch.flatMap(\.texts)
        let outcome: Result<[SentimentScore], any Error> = await onExecutor {
            Result { try engine.classify(texts) }
        }
        counters.withLock { c in
            c.batches += 1
            c.calls += batch.count
            c.texts += texts.count
        }
        switch outcome {
        case .success(let scores):
            var start = 0
            for job in batch {
                job.continuation.resume(returning: Array(scores[start..<start + job.texts.count]))
                start += job.texts.count
            }
        case .failure(let error):
            logger.error("sentiment inference failed", metadata: ["model": "\(kind.rawValue)", "error": "\(error)"])
            for job in batch {
                job.continuation.resume(throwing: RPCError.problem(
                    "internal-error", status: 500, title: "Internal error", detail: "sentiment inference failed"))
            }
        }
    }

    /// Runs blocking work on this model's serial queue, off the cooperative thread pool.
    private func onExecutor<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            executor.async { continuation.resume(returning: body()) }
        }
    }

    private func unavailable(_ detail: String, retryAfter: Int) -> RPCError {
        .problem(Sentiment.ProblemType.modelUnavailable, status: 503, title: "Model unavailable", detail: detail,
                 extensions: ["model": .string(kind.rawValue), "retry_after_s": .number(Double(retryAfter))])
    }
}
