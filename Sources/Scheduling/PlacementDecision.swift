/// What the scheduler decided for one ready task, and why, in words.
///
/// Every decision carries a one-line ``reason`` meant for logs and `shoal job status`, such as
/// `placed on w2: 4.1 GiB of 4.1 GiB inputs local` or
/// `waiting: holder w1 busy (required locality), 12s of 10m queue timeout`. The ``action`` says
/// what the requester should do; its wait and failure causes are for metrics and tests.
public struct PlacementDecision: Hashable, Sendable, CustomStringConvertible {
    /// What to do with the task.
    public enum Action: Hashable, Sendable {
        /// Assign the task to `node`. `localBytes` of the `totalBytes` of inputs (counting the
        /// inputs whose size is known) are already pinned there.
        case place(node: String, localBytes: UInt64, totalBytes: UInt64)
        /// Leave the task queued and decide again later.
        case wait(WaitCause)
        /// The task cannot run; mark it failed.
        case fail(FailCause)
    }

    /// Why a task was left waiting.
    public enum WaitCause: String, Hashable, Sendable {
        /// The pool has no nodes yet.
        case emptyPool
        /// Nodes match, but none that may take the task is ready (all draining or down).
        case noReadyNode
        /// Ready nodes match, but none has room for the task now.
        case noCapacity
        /// A `required` task's or private input's holder is busy, draining or down, or no node
        /// holds every required input yet; the queue timeout has not passed.
        case holderUnavailable
        /// A `preferred` task's best holder is busy and the preferred window has not passed.
        case preferredWindow
    }

    /// Why a task cannot run.
    public enum FailCause: String, Hashable, Sendable {
        /// No node in the pool satisfies the task's constraints.
        case noMatchingNode
        /// No node that satisfies the constraints is large enough, even when idle.
        case tooLarge
        /// A private input is pinned on no suitable node, so the task has nowhere to run.
        case privateInputUnavailable
        /// The task waited for a holder (`required` or private inputs) past its queue timeout.
        case queueTimeout
    }

    /// The task decided on.
    public let task: TaskKey
    /// What to do with it.
    public let action: Action
    /// Why, in one line.
    public let reason: String

    public init(task: TaskKey, action: Action, reason: String) {
        self.task = task
        self.action = action
        self.reason = reason
    }

    /// The node chosen, when the task is placed.
    public var node: String? {
        if case .place(let node, _, _) = action { return node }
        return nil
    }

    /// `job/task: reason`.
    public var description: String { "\(task): \(reason)" }
}
