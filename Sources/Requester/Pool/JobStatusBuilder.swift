import Foundation
import JobStore
import PoolAPI

/// What `GET /api/v1/jobs/{job}` shows: the stored job and tasks, with the pool's view of
/// running tasks (a task whose attempt waits for placement is `ready`, with the scheduler's
/// reason; one whose node claimed it is `running` on that node).
struct JobStatusBuilder: Sendable {
    let store: JobStore
    let placement: PlacementService

    func status(of id: String) throws -> JobStatus {
        let job = try store.job(id)
        let latest = try store.latestExecutions(job: id)
        let tasks = try store.tasks(of: id).map { task in Self.status(task, execution: latest[task.id], waitReason: latest[task.id].flatMap { placement.waitReason($0.id) }) }
        return JobStatus(id: job.id, name: job.name, state: Self.state(job.state), created: job.created, finished: job.finished, tasks: tasks)
    }

    func summaries(limit: Int) throws -> [JobSummary] {
        let jobs = try store.jobs(limit: limit)
        let counts = try store.taskCounts(jobs: jobs.map(\.id))
        return jobs.map { job in
            JobSummary(id: job.id, name: job.name, state: Self.state(job.state), created: job.created, finished: job.finished, taskCounts: counts[job.id] ?? [:])
        }
    }

    /// What ``status(of:)`` reads for a job intake just stored, before its drive starts, built
    /// from the record and the spec's task ids instead of the store: the job `queued`, every task
    /// `pending` with no attempt, in spec order (the store's task order).
    static func submitted(_ job: JobRecord, tasks: [String]) -> JobStatus {
        // As the store gives dates back: seconds since 1970 in a double.
        let created = Date(timeIntervalSince1970: job.created.timeIntervalSince1970)
        let finished = job.finished.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970) }
        let statuses = tasks.enumerated().map { position, id in
            status(TaskRecord(jobID: job.id, id: id, position: position), execution: nil, waitReason: nil)
        }
        return JobStatus(id: job.id, name: job.name, state: state(job.state), created: created, finished: finished, tasks: statuses)
    }

    /// `queued` for a job not driven yet, else the stored state.
    static func state(_ state: JobState) -> String { state == .pending ? "queued" : state.rawValue }

    static func status(_ task: TaskRecord, execution: ExecutionRecord?, waitReason: String?) -> TaskStatus {
        var state = task.state.rawValue
        var reason = task.reason
        var node = task.node
        if task.state == .running, let execution, execution.attempt == task.attempts {
            switch execution.state {
            case .queued, .placed:
                state = TaskState.ready.rawValue
                reason = waitReason ?? execution.placement
                if execution.state == .queued { node = nil }
            default:
                node = execution.node ?? node
            }
        }
        if task.state == .cached { state = TaskState.succeeded.rawValue }
        var status = TaskStatus(
            id: task.id, state: state, node: node, attempts: task.attempts, cached: task.state == .cached ? true : nil,
            outputs: task.outputs.isEmpty ? nil : task.outputs.mapValues(\.string), step: task.step?.string, reason: reason,
            stderrTail: task.stderrTail)
        status.message = task.message
        return status
    }
}
