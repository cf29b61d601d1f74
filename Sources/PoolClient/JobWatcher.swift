import Foundation
import PoolAPI

/// Waits for a job to end (`shoal job submit --wait`, `--follow`), handing over its events as
/// they happen.
///
/// It long-polls the job's event log (`GET /api/v1/jobs/{id}/events?after=N&wait=30`) and reads
/// the job's status after each batch, so an ending is seen within one poll and no event is
/// shown twice. A requester that goes away for a while (a restart) is waited for: calls that
/// get no answer, or a 5xx, are retried with backoff for up to ``patience``; any other error ends
/// the wait.
///
/// ```swift
/// let status = try await JobWatcher(client: client).wait(job: id) { event in print(event.message) }
/// print(status.state)
/// ```
public struct JobWatcher: Sendable {
    public let client: PoolClient
    /// How long the requester may stay unreachable before the wait fails.
    public var patience: Duration
    /// How long each long poll waits for events (seconds, at most 60).
    public var pollSeconds: Int

    /// The job states after which nothing more happens.
    public static let terminalStates: Set<String> = ["succeeded", "failed", "cancelled"]

    public init(client: PoolClient, patience: Duration = .seconds(300), pollSeconds: Int = 30) {
        self.client = client
        self.patience = patience
        self.pollSeconds = pollSeconds
    }

    /// Waits until job `id` ends and returns its final status; `onEvent` gets each event once,
    /// in order.
    ///
    /// - Throws: ``PoolClientError`` (`notFound` for an unknown job; `unreachable` once the
    ///   requester stayed away longer than ``patience``); `CancellationError` when cancelled.
    public func wait(job id: String, onEvent: (@Sendable (JobEventMessage) -> Void)? = nil) async throws -> JobStatus {
        var after = 0
        var backoff = Backoff()
        var failingSince: ContinuousClock.Instant?
        while true {
            do {
                let events = try await client.events(job: id, after: after, wait: pollSeconds)
                for event in events.sorted(by: { $0.seq < $1.seq }) where event.seq > after {
                    after = event.seq
                    onEvent?(event)
                }
                let status = try await client.job(id)
                if Self.terminalStates.contains(status.state) { return status }
                failingSince = nil
                backoff.reset()
            } catch let error as PoolClientError where error.isTransient {
                let now = ContinuousClock.now
                let since = failingSince ?? now
                failingSince = since
                if now - since > patience { throw error }
                try await Task.sleep(for: backoff.next())
            }
        }
    }
}

/// Exponential backoff with jitter: 0.5 s, 1 s, 2 s, … up to a cap.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var cap: Duration
    var attempt = 0

    public init(initial: Duration = .milliseconds(500), cap: Duration = .seconds(15)) {
        self.initial = initial
        self.cap = cap
    }

    /// The next delay (each about double the last, up to the cap, with ±20 % jitter).
    public mutating func next() -> Duration {
        let base = min(cap, initial * Double(1 << min(attempt, 20)))
        attempt += 1
        return base * Double.random(in: 0.8...1.2)
    }

    /// Starts again from the initial delay.
    public mutating func reset() { attempt = 0 }
}
