import Foundation
import IPLD
import JobStore

/// What `shoal run` reports at the end (and `--json` prints): the run, its state and every task.
public struct RunReport: Sendable, Hashable, Encodable {
    /// One task of the run.
    public struct Task: Sendable, Hashable, Encodable {
        public var id: String
        public var state: TaskState
        /// Why it failed, was skipped or cancelled (see `StepFailure`).
        public var reason: String?
        public var message: String?
        public var attempts: Int
        public var exitCode: Int?
        /// Whether an earlier step's outputs were reused.
        public var cached: Bool
        /// Output CIDs by name.
        public var outputs: [String: String]
        public var step: String?
        public var recipe: String?
        /// For a cached task, the step whose outputs it reuses.
        public var original: String?
        public var stdout: String?
        public var stderr: String?
        public var outputBytes: Int64
        /// The last lines of stderr when it failed.
        public var stderrTail: String?
        /// Seconds from the start of its last attempt to its end.
        public var seconds: Double?

        init(_ record: TaskRecord) {
            id = record.id
            state = record.state
            reason = record.reason
            message = record.message
            attempts = record.attempts
            exitCode = record.exitCode
            cached = record.state == .cached
            outputs = record.outputs.mapValues(\.string)
            step = record.step?.string
            recipe = record.recipe?.string
            original = record.original?.string
            stdout = record.stdout?.string
            stderr = record.stderr?.string
            outputBytes = record.outputBytes
            stderrTail = record.stderrTail
            if let started = record.started, let finished = record.finished {
                seconds = max(0, finished.timeIntervalSince(started))
            }
        }
    }

    /// The run id (`shoal logs RUN TASK`, `--resume RUN`).
    public var run: String
    public var name: String
    public var state: JobState
    /// Why it did not succeed.
    public var reason: String?
    public var specFile: String?
    public var tasks: [Task]

    public init(job: JobRecord, tasks: [TaskRecord]) {
        run = job.id
        name = job.name
        state = job.state
        reason = job.reason
        specFile = job.specFile
        self.tasks = tasks.map(Task.init)
    }

    /// Whether every task succeeded or was cached.
    public var succeeded: Bool { state == .succeeded }

    /// The tasks that failed, in spec order.
    public var failedTasks: [Task] { tasks.filter { $0.state == .failed } }
}
