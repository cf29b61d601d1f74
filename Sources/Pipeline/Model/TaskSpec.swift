import Units
import IPLD

/// One step of a pipeline: a tool, the command to run, its inputs, parameters and outputs, and
/// the limits and placement rules for running it.
///
/// Inside the sandbox a task sees its tool at `/tool`, each input read-only at `/inputs/<name>`,
/// and writes each declared output to the folder `/outputs/<name>`, whose UnixFS CID becomes the
/// output's CID. Fields that were not written hold their defaults.
public struct TaskSpec: Sendable, Hashable {
    /// Unique within the pipeline: a letter, then letters, digits, `_` or `-`.
    public var id: String
    /// The tool folder or its CID, mounted at `/tool`; `nil` runs a command of the sandbox's base
    /// system (such as `sh`) with no tool mounted.
    public var tool: ToolRef?
    /// The command and its arguments; may hold `{{params.x}}` and `{{inputs.x.cid}}` placeholders.
    public var run: [String]
    /// The task's inputs, in the order they were written.
    public var inputs: [TaskInput]
    /// Parameters, available to `run:` and `env:` placeholders and part of the recipe.
    public var params: SpecMap
    /// Names of the output folders the task must create under `/outputs`.
    public var outputs: [String]
    public var resources: Resources
    public var network: NetworkPolicy
    public var locality: LocalityPolicy
    /// Whether a previous successful run of the same recipe may be reused (default true);
    /// `false` for tools that are not deterministic.
    public var cache: Bool
    /// Environment variables; values may hold placeholders.
    public var env: [String: String]
    /// How many times a failed run is run again (default 0): after a failure of the step itself
    /// (exit code, a limit, its outputs; not a skip or cancellation), as a new attempt, on another
    /// node when the pool has one. A pool also re-runs a step whose node was lost, up to this
    /// number (its configured default, 2, when this is 0).
    public var retries: Int
    /// Node label rules that a worker must satisfy (`region=eu`, `gpu exists`).
    public var constraints: [LabelConstraint]
    /// How long the task may wait for a suitable node before it fails; `nil` waits indefinitely.
    public var queueTimeout: DurationSpec?

    public init(
        id: String, tool: ToolRef? = nil, run: [String], inputs: [TaskInput] = [], params: SpecMap = [:],
        outputs: [String] = [], resources: Resources = Resources(), network: NetworkPolicy = .none,
        locality: LocalityPolicy = .preferred, cache: Bool = true, env: [String: String] = [:],
        retries: Int = 0, constraints: [LabelConstraint] = [], queueTimeout: DurationSpec? = nil
    ) {
        self.id = id
        self.tool = tool
        self.run = run
        self.inputs = inputs
        self.params = params
        self.outputs = outputs
        self.resources = resources
        self.network = network
        self.locality = locality
        self.cache = cache
        self.env = env
        self.retries = retries
        self.constraints = constraints
        self.queueTimeout = queueTimeout
    }

    /// The input with this name.
    public func input(named name: String) -> TaskInput? { inputs.first { $0.name == name } }

    /// The ids of the tasks whose outputs this task reads, without repeats, in input order.
    public var upstreamTaskIDs: [String] {
        var seen = Set<String>()
        return inputs.compactMap { $0.source.producingTask }.filter { seen.insert($0).inserted }
    }
}

/// The tool a task runs: a local folder (added as a CID at submit time) or a CID.
public enum ToolRef: Sendable, Hashable, CustomStringConvertible {
    case cid(CID)
    case path(SpecPath)

    public var description: String {
        switch self {
        case .cid(let cid): cid.string
        case .path(let path): path.written
        }
    }
}

/// Limits for one run of a task; unset fields fall back to the worker's defaults.
public struct Resources: Sendable, Hashable {
    /// CPU cores (may be fractional, such as 0.5).
    public var cpu: Double?
    public var memory: ByteSize?
    /// Scratch and output space.
    public var disk: ByteSize?
    /// Wall-clock limit for one run.
    public var timeout: DurationSpec?
    /// Maximum number of processes and threads.
    public var pids: Int?

    public init(cpu: Double? = nil, memory: ByteSize? = nil, disk: ByteSize? = nil,
                timeout: DurationSpec? = nil, pids: Int? = nil) {
        self.cpu = cpu
        self.memory = memory
        self.disk = disk
        self.timeout = timeout
        self.pids = pids
    }

    /// Whether no limit is set.
    public var isEmpty: Bool { self == Resources() }
}

/// Network access for a task: `none` (default, no interfaces at all) or `loopback` (only `lo`).
public enum NetworkPolicy: String, Sendable, Hashable, CaseIterable {
    case none
    case loopback
}

/// Where a task may run relative to its input data.
public enum LocalityPolicy: String, Sendable, Hashable, CaseIterable {
    /// Only on a node that already holds every input: the data never moves (compute-to-data).
    case required
    /// On the node holding the most input bytes when one has capacity, else anywhere (default).
    case preferred
    /// Anywhere; inputs are fetched as needed.
    case any
}
