/// Names one task of one job: the job's id and the task's id within the job's spec.
///
/// Keys order by job, then task, which is the tie-break when two tasks became ready at the
/// same instant.
public struct TaskKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let job: String
    public let task: String

    public init(job: String, task: String) {
        self.job = job
        self.task = task
    }

    public static func < (lhs: TaskKey, rhs: TaskKey) -> Bool {
        lhs.job != rhs.job ? lhs.job < rhs.job : lhs.task < rhs.task
    }

    /// `job/task`.
    public var description: String { "\(job)/\(task)" }
}
