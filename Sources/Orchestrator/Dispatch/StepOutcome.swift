import IPLD
import JobStore

/// How one attempt of a step ended, as a worker reports it: what the coordinator records.
///
/// `Codable`, because in the pool it is reported over HTTP. A failed step is an outcome, not an
/// error: ``status`` says how it ended and ``reason`` why, in the words of ``StepFailure``.
public struct StepOutcome: Sendable, Hashable, Codable {
    /// How the attempt ended.
    public enum Status: String, Sendable, Hashable, Codable {
        /// The command ran and every declared output was added.
        case succeeded
        /// An earlier successful step with the same recipe was reused; nothing ran.
        case cached
        /// The command ran (or could not be started) and failed; see ``StepOutcome/reason``.
        case failed
        /// The attempt was stopped before it finished.
        case cancelled
    }

    public var jobID: String
    public var taskID: String
    public var attempt: Int
    public var status: Status
    /// Why it failed or was cancelled (a ``StepFailure`` raw value); absent on success.
    public var reason: String?
    /// A one-line explanation for people.
    public var message: String?
    /// The command's exit code when it ran to an exit (128 + N for signal N).
    public var exitCode: Int?
    /// The recipe CID (memoization key).
    public var recipe: CID
    /// The step object written for this attempt (absent when nothing was recorded, e.g. cancelled).
    public var step: CID?
    /// The node's attestation of ``step``.
    public var attestation: CID?
    /// Each declared output's CID by name: all of them on success, none otherwise.
    public var outputs: [String: CID]
    public var stdout: CID?
    public var stderr: CID?
    /// For a cached outcome, the step whose outputs were reused.
    public var original: CID?
    /// The did:key of the node that ran (or reused) it.
    public var node: String?
    /// The last lines of stderr, when it failed.
    public var stderrTail: String?
    /// Bytes in the output folders.
    public var outputBytes: Int64

    public init(
        jobID: String, taskID: String, attempt: Int, status: Status, reason: String? = nil, message: String? = nil,
        exitCode: Int? = nil, recipe: CID, step: CID? = nil, attestation: CID? = nil, outputs: [String: CID] = [:],
        stdout: CID? = nil, stderr: CID? = nil, original: CID? = nil, node: String? = nil, stderrTail: String? = nil,
        outputBytes: Int64 = 0
    ) {
        self.jobID = jobID
        self.taskID = taskID
        self.attempt = attempt
        self.status = status
        self.reason = reason
        self.message = message
        self.exitCode = exitCode
        self.recipe = recipe
        self.step = step
        self.attestation = attestation
        self.outputs = outputs
        self.stdout = stdout
        self.stderr = stderr
        self.original = original
        self.node = node
        self.stderrTail = stderrTail
        self.outputBytes = outputBytes
    }

    /// A failed or cancelled outcome for `assignment` that recorded nothing.
    public static func unrecorded(
        _ assignment: StepAssignment, status: Status, reason: StepFailure, message: String, node: String? = nil
    ) -> StepOutcome {
        StepOutcome(
            jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt, status: status,
            reason: reason.rawValue, message: message, recipe: assignment.recipeCID, node: node)
    }

    /// What the job store records for this outcome.
    public var taskResult: TaskResult {
        let state: TaskState = switch status {
        case .succeeded: .succeeded
        case .cached: .cached
        case .failed: .failed
        case .cancelled: .cancelled
        }
        return TaskResult(
            state: state, reason: reason, message: message, exitCode: exitCode, stderrTail: stderrTail, recipe: recipe,
            step: step, outputs: outputs, stdout: stdout, stderr: stderr, original: original, node: node,
            outputBytes: outputBytes)
    }
}

/// Why a step failed, was skipped or cancelled: the `reason` words scripts can rely on.
public enum StepFailure: String, Sendable, Hashable, Codable, CaseIterable {
    /// The command exited with a non-zero code.
    case exitCode = "exit-code"
    /// The command was killed by a signal that is not one of the limits.
    case signaled
    /// The wall-clock limit (`resources.timeout`) passed.
    case timeout
    /// The memory limit was reached.
    case memory
    /// The process limit was reached.
    case pids
    /// The outputs grew past their cap (`resources.disk`).
    case outputTooLarge = "output-too-large"
    /// A process used up its CPU-time limit.
    case cpuTime = "cpu-time"
    /// The sandbox could not start the command.
    case launchFailed = "launch-failed"
    /// The command exited 0 but left a declared output empty or absent.
    case missingOutput = "missing-output"
    /// An output holds a symlink leading outside it, a device, a FIFO or a socket.
    case unsafeOutput = "unsafe-output"
    /// Inputs or tool could not be staged, or outputs could not be stored.
    case internalError = "error"
    /// The run was cancelled.
    case cancelled
    /// A task this one depends on failed (the task was skipped).
    case dependencyFailed = "dependency-failed"
    /// The run stopped after a failure before this task started (the task was skipped).
    case notStarted = "not-started"
}

extension StepFailure {
    /// Whether a step that failed for `reason` may succeed when run again, so a task's
    /// `retries` apply: what the command did (exit code, signal, a limit, its outputs) and a
    /// failure to stage or store (`error`). Not: a cancellation, a skip, or a pool's placement
    /// failure (`queue-timeout`, `no-matching-node`, …, which are not step failures; a lost node
    /// is retried by the pool itself).
    public static func isRetryable(reason: String?) -> Bool {
        guard let reason, let failure = StepFailure(rawValue: reason) else { return false }
        switch failure {
        case .exitCode, .signaled, .timeout, .memory, .pids, .outputTooLarge, .cpuTime, .launchFailed, .missingOutput,
             .unsafeOutput, .internalError:
            return true
        case .cancelled, .dependencyFailed, .notStarted:
            return false
        }
    }
}
