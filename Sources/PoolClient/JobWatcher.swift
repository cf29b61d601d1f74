import Foundation
import PoolAPI

/// Waits for a job to end (`shoal job submit --wait`, `--follow`), handing over its events as
/// they happen.
///
/// It long-polls the job's event log (`GET /api/v1/jobs/{id}/events?after=N&wait=30`) and reads
/// the job's status after each batch, so an ending is seen within one poll and no event is
/// shown twice. Once the job has ended it reads the rest of the log, page by page, before it
/// returns, so every event is handed over however long the log. A requester that goes away for a while (a restart) is waited for: calls that
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
    /// With `onLogLine`, the stdout and stderr of every task that starts running are followed
    /// too (`GET /api/v1/jobs/{id}/logs?follow=true`) and handed over a line at a time as the
    /// task writes them. Logs are a courtesy: a broken log stream does not fail the wait, and
    /// once the job has ended its streams get a few seconds to deliver their last lines.
    ///
    /// - Throws: ``PoolClientError`` (`notFound` for an unknown job; `unreachable` once the
    ///   requester stayed away longer than ``patience``); `CancellationError` when cancelled.
    public func wait(
        job id: String, onEvent: (@Sendable (JobEventMessage) -> Void)? = nil,
        onLogLine: (@Sendable (_ task: String, _ stream: PoolClient.LogStream, _ line: String) -> Void)? = nil
    ) async throws -> JobStatus {
        try await withThrowingTaskGroup(of: Bool.self) { followers in
            var following = Set<String>()
            let status = try await poll(job: id) { event in
                onEvent?(event)
                guard let onLogLine, event.kind == "task.running", let task = event.task, following.insert(task).inserted else { return }
                for stream in PoolClient.LogStream.allCases {
                    followers.addTask {
                        await self.follow(job: id, task: task, stream: stream, onLogLine)
                        return true
                    }
                }
            }
            // The streams end with their tasks; give the last bytes a few seconds to arrive.
            var open = following.count * PoolClient.LogStream.allCases.count
            if open > 0 {
                followers.addTask {
                    try await Task.sleep(for: .seconds(5))
                    return false
                }
                while open > 0, let follower = try? await followers.next(), follower { open -= 1 }
            }
            followers.cancelAll()
            return status
        }
    }

    /// The event loop of ``wait(job:onEvent:onLogLine:)``.
    func poll(job id: String, onEvent: (JobEventMessage) -> Void) async throws -> JobStatus {
        var after = 0
        var backoff = Backoff()
        var failingSince: ContinuousClock.Instant?
        while true {
            do {
                _ = try await read(job: id, after: &after, wait: pollSeconds, onEvent)
                let status = try await client.job(id)
                if Self.terminalStates.contains(status.state) {
                    // Events written before the job ended may lie beyond the page just read.
                    while try await read(job: id, after: &after, wait: 0, onEvent) {}
                    return status
                }
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

    /// Reads one page of events after `after`, hands over the new ones and moves `after` on.
    ///
    /// - Returns: whether the page held a new event.
    private func read(job id: String, after: inout Int, wait: Int, _ onEvent: (JobEventMessage) -> Void) async throws -> Bool {
        let events = try await client.events(job: id, after: after, wait: wait)
        var progressed = false
        for event in events.sorted(by: { $0.seq < $1.seq }) where event.seq > after {
            after = event.seq
            progressed = true
            onEvent(event)
        }
        return progressed
    }

    /// Follows one stream of one task, handing over complete lines (and the last partial one).
    func follow(
        job: String, task: String, stream: PoolClient.LogStream,
        _ onLine: @escaping @Sendable (String, PoolClient.LogStream, String) -> Void
    ) async {
        let pending = LineBuffer()
        try? await client.followLogs(job: job, task: task, stream: stream) { bytes in
            for line in pending.append(bytes) { onLine(task, stream, line) }
        }
        if let rest = pending.rest() { onLine(task, stream, rest) }
    }
}

/// Splits a byte stream into lines (without their newline), keeping a partial last line.
final class LineBuffer: @unchecked Sendable {
    private var bytes: [UInt8] = []

    /// The complete lines `chunk` finishes.
    func append(_ chunk: [UInt8]) -> [String] {
        bytes += chunk
        var lines: [String] = []
        while let newline = bytes.firstIndex(of: 0x0A) {
            lines.append(String(decoding: bytes[..<newline], as: UTF8.self))
            bytes.removeSubrange(...newline)
        }
        return lines
    }

    /// What is left after the last newline, if anything.
    func rest() -> String? {
        defer { bytes = [] }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
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
