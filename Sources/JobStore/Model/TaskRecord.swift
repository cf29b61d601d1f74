import Foundation
import IPLD

/// One task of a job, as stored: its state and, once it ended, what came of it.
public struct TaskRecord: Sendable, Hashable, Codable {
    public var jobID: String
    /// The task id from the spec.
    public var id: String
    /// Position in the spec (tasks are listed in spec order).
    public var position: Int
    public var state: TaskState
    /// Attempts started so far (0 until the task first runs).
    public var attempts: Int
    /// Why the task failed, was skipped or cancelled: `exit-code`, `timeout`, `memory`, `pids`,
    /// `output-too-large`, `missing-output`, `unsafe-output`, `launch-failed`, `dependency-failed`, …
    public var reason: String?
    /// A one-line explanation for people (`exited with code 3`, `dependency 'clean' failed`).
    public var message: String?
    /// The command's exit code, when it ran to an exit.
    public var exitCode: Int?
    /// The last lines of the command's stderr, when it failed.
    public var stderrTail: String?
    /// The recipe key (memoization key) of the step.
    public var recipe: CID?
    /// The step object recorded for the task (also for a failed run).
    public var step: CID?
    /// Each declared output's CID, by name; empty unless the task succeeded or was cached.
    public var outputs: [String: CID]
    public var stdout: CID?
    public var stderr: CID?
    /// For a cached task, the earlier step whose outputs it reuses.
    public var original: CID?
    /// The did:key of the node that ran it.
    public var node: String?
    /// Bytes in the task's output folders.
    public var outputBytes: Int64
    /// When the current (last) attempt started.
    public var started: Date?
    /// When the task reached its end state.
    public var finished: Date?

    public init(
        jobID: String, id: String, position: Int, state: TaskState = .pending, attempts: Int = 0, reason: String? = nil,
        message: String? = nil, exitCode: Int? = nil, stderrTail: String? = nil, recipe: CID? = nil, step: CID? = nil,
        outputs: [String: CID] = [:], stdout: CID? = nil, stderr: CID? = nil, original: CID? = nil, node: String? = nil,
        outputBytes: Int64 = 0, started: Date? = nil, finished: Date? = nil
    ) {
        self.jobID = jobID
        self.id = id
        self.position = position
        self.state = state
        self.attempts = attempts
        self.reason = reason
        self.message = message
        self.exitCode = exitCode
        self.stderrTail = stderrTail
        self.recipe = recipe
        self.step = step
        self.outputs = outputs
        self.stdout = stdout
        self.stderr = stderr
        self.original = original
        self.node = node
        self.outputBytes = outputBytes
        self.started = started
        self.finished = finished
    }

    /// Whether the task reused an earlier step instead of running.
    public var isCached: Bool { state == .cached }
}

/// How an attempt of a task ended: what ``JobStore/finishTask(job:task:attempt:result:)`` records.
public struct TaskResult: Sendable, Hashable, Codable {
    /// ``TaskState/succeeded``, ``TaskState/cached``, ``TaskState/failed`` or ``TaskState/cancelled``.
    public var state: TaskState
    public var reason: String?
    public var message: String?
    public var exitCode: Int?
    public var stderrTail: String?
    public var recipe: CID?
    public var step: CID?
    public var outputs: [String: CID]
    public var stdout: CID?
    public var stderr: CID?
    public var original: CID?
    public var node: String?
    public var outputBytes: Int64

    public init(
        state: TaskState, reason: String? = nil, message: String? = nil, exitCode: Int? = nil, stderrTail: String? = nil,
        recipe: CID? = nil, step: CID? = nil, outputs: [String: CID] = [:], stdout: CID? = nil, stderr: CID? = nil,
        original: CID? = nil, node: String? = nil, outputBytes: Int64 = 0
    ) {
        self.state = state
        self.reason = reason
        self.message = message
        self.exitCode = exitCode
        self.stderrTail = stderrTail
        self.recipe = recipe
        self.step = step
        self.outputs = outputs
        self.stdout = stdout
        self.stderr = stderr
        self.original = original
        self.node = node
        self.outputBytes = outputBytes
    }
}

/// One attempt at running a task (an execution): tasks are retried as new attempts.
public struct AttemptRecord: Sendable, Hashable, Codable {
    public var jobID: String
    public var taskID: String
    /// 1 for the first attempt.
    public var number: Int
    /// ``TaskState/running`` while open; then how it ended, or ``AttemptRecord/lostState``.
    public var state: String
    /// The node it was assigned to, when known.
    public var node: String?
    public var reason: String?
    public var step: CID?
    public var started: Date
    public var finished: Date?

    /// The state of an attempt whose process stopped before it reported (the task is re-run or reattached).
    public static let lostState = "lost"

    public init(
        jobID: String, taskID: String, number: Int, state: String, node: String? = nil, reason: String? = nil,
        step: CID? = nil, started: Date, finished: Date? = nil
    ) {
        self.jobID = jobID
        self.taskID = taskID
        self.number = number
        self.state = state
        self.node = node
        self.reason = reason
        self.step = step
        self.started = started
        self.finished = finished
    }
}
