import Foundation

/// `POST /api/v1/jobs`: a spec as text (so diagnostics can point at lines) and run options.
///
/// Tools and local inputs must already be CIDs: the client adds them to its own store, uploads
/// their blocks with `POST /api/v1/blocks`, and rewrites the spec to name them by CID.
public struct JobSubmission: Codable, Sendable, Hashable {
    public struct Options: Codable, Sendable, Hashable {
        public var keepGoing: Bool
        public var noCache: Bool
        public init(keepGoing: Bool = false, noCache: Bool = false) {
            self.keepGoing = keepGoing
            self.noCache = noCache
        }
    }

    public var spec: String
    /// The file name shown in diagnostics.
    public var file: String?
    public var options: Options?

    public init(spec: String, file: String? = nil, options: Options? = nil) {
        self.spec = spec
        self.file = file
        self.options = options
    }
}

/// One job in a listing.
public struct JobSummary: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    public var state: String
    public var created: Date
    public var finished: Date?
    /// How many tasks are in each state (`tasks` on the wire, as the contract names it).
    public var taskCounts: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case id, name, state, created, finished, taskCounts = "tasks"
    }

    public init(id: String, name: String, state: String, created: Date, finished: Date? = nil, taskCounts: [String: Int]? = nil) {
        self.id = id
        self.name = name
        self.state = state
        self.created = created
        self.finished = finished
        self.taskCounts = taskCounts
    }
}

/// `GET /api/v1/jobs/{id}`: the job and every task's state, node, attempts, outputs and step.
public struct JobStatus: Codable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var state: String
    public var created: Date
    public var finished: Date?
    public var tasks: [TaskStatus]

    public init(id: String, name: String, state: String, created: Date, finished: Date? = nil, tasks: [TaskStatus]) {
        self.id = id
        self.name = name
        self.state = state
        self.created = created
        self.finished = finished
        self.tasks = tasks
    }
}

/// One task of a ``JobStatus``.
public struct TaskStatus: Codable, Sendable, Hashable {
    public var id: String
    /// `pending`, `ready`, `running`, `succeeded`, `cached`, `failed`, `skipped` or `cancelled`.
    public var state: String
    /// The node that ran (or runs) it (did:key).
    public var node: String?
    public var attempts: Int
    public var cached: Bool?
    /// Output name → CID.
    public var outputs: [String: String]?
    public var step: String?
    /// Why it failed or is waiting (`timeout`, `missing-output`, a placement reason, …).
    public var reason: String?
    /// A one-line explanation for people (`exited with code 3`, `dependency 'clean' failed`).
    public var message: String?
    public var stderrTail: String?

    public init(id: String, state: String, node: String? = nil, attempts: Int, cached: Bool? = nil,
                outputs: [String: String]? = nil, step: String? = nil, reason: String? = nil, stderrTail: String? = nil) {
        self.id = id
        self.state = state
        self.node = node
        self.attempts = attempts
        self.cached = cached
        self.outputs = outputs
        self.step = step
        self.reason = reason
        self.stderrTail = stderrTail
    }
}

/// One entry of a job's event log (`GET /api/v1/jobs/{id}/events`).
public struct JobEventMessage: Codable, Sendable, Hashable {
    public var seq: Int
    public var time: Date
    /// `job-state`, `task-state`, `placement`, …
    public var kind: String
    public var task: String?
    public var message: String

    public init(seq: Int, time: Date, kind: String, task: String? = nil, message: String) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.task = task
        self.message = message
    }
}
