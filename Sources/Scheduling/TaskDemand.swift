#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IPLD

/// What a ready task needs from a node: the scheduler's view of one task.
///
/// The requester builds one `TaskDemand` per task whose upstream tasks have finished. Everything
/// the decision depends on is here, including the time the task became ready, so that the same
/// demands, nodes and `now` always give the same decision.
///
/// ```swift
/// let demand = TaskDemand(
///     key: TaskKey(job: "j1", task: "train"),
///     inputs: [.init(cid: corpus, size: 4 << 30)],
///     resources: Resources(slots: 1, milliCPU: 1_000, memory: 512 << 20),
///     constraints: try Constraint.parse(["region=eu"]),
///     readySince: readyAt)
/// ```
public struct TaskDemand: Hashable, Sendable {
    /// One input DAG of a task.
    public struct Input: Hashable, Sendable {
        /// The root of the input DAG.
        public var cid: CID
        /// The whole DAG's size in bytes when the requester knows it; otherwise the size the
        /// holders report in their pin lists is used.
        public var size: UInt64?
        /// Private data is never moved: the task may only run where this input is pinned.
        public var isPrivate: Bool

        public init(cid: CID, size: UInt64? = nil, isPrivate: Bool = false) {
            self.cid = cid
            self.size = size
            self.isPrivate = isPrivate
        }
    }

    /// Which task this is.
    public var key: TaskKey
    /// The input DAGs the task reads (its tool may be listed as one too).
    public var inputs: [Input]
    /// What the task takes from the node while it runs; at least one slot is always taken.
    public var resources: Resources
    /// How strongly the task wants to run where its inputs are.
    public var locality: LocalityPolicy
    /// Under ``LocalityPolicy/preferred``: how long to wait for a busy holder before running
    /// elsewhere, counted from ``readySince``.
    public var preferredWindow: Duration
    /// Under ``LocalityPolicy/required``, or with private inputs: how long to wait for a holder
    /// before failing, counted from ``readySince``.
    public var queueTimeout: Duration
    /// Conditions on node labels; all must hold.
    public var constraints: [Constraint]
    /// Nodes where this task already failed: a last resort, used only when no other node that the
    /// task may run on can take it now (for `required` tasks and private inputs, no other holder),
    /// and a `preferred` task waits out its window for a busy holder rather than go back to one.
    public var failedOn: Set<String>
    /// Nodes that produced this task's upstream outputs; a tie-breaker bonus after input bytes.
    public var upstreamNodes: Set<String>
    /// When the task became ready to run (its upstream tasks finished, or its job was accepted).
    public var readySince: Date

    /// The default ``preferredWindow``: long enough for a busy holder to finish a short step.
    public static let defaultPreferredWindow: Duration = .seconds(30)
    /// The default ``queueTimeout``.
    public static let defaultQueueTimeout: Duration = .seconds(600)

    public init(
        key: TaskKey,
        inputs: [Input] = [],
        resources: Resources = Resources(slots: 1),
        locality: LocalityPolicy = .preferred,
        preferredWindow: Duration = TaskDemand.defaultPreferredWindow,
        queueTimeout: Duration = TaskDemand.defaultQueueTimeout,
        constraints: [Constraint] = [],
        failedOn: Set<String> = [],
        upstreamNodes: Set<String> = [],
        readySince: Date
    ) {
        self.key = key
        self.inputs = inputs
        self.resources = resources
        self.locality = locality
        self.preferredWindow = preferredWindow
        self.queueTimeout = queueTimeout
        self.constraints = constraints
        self.failedOn = failedOn
        self.upstreamNodes = upstreamNodes
        self.readySince = readySince
    }

    /// Whether any input is private, which restricts the task to nodes that hold it.
    public var hasPrivateInputs: Bool { inputs.contains(where: \.isPrivate) }
}
