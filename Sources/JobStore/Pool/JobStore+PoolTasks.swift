import Foundation
import GRDB

extension JobStore {
    /// Records the node an open attempt was placed on, on the attempt and on its task (what
    /// `job status` shows while it runs). Changes nothing when `attempt` is not the task's
    /// current running attempt.
    ///
    /// - Returns: whether it was recorded.
    @discardableResult
    public func assignAttempt(job: String, task: String, attempt: Int, node: String) throws -> Bool {
        try write("assign \(job)/\(task)#\(attempt)") { db in
            try Self.assignAttempt(db, job: job, task: task, attempt: attempt, node: node)
        }
    }

    static func assignAttempt(_ db: Database, job: String, task: String, attempt: Int, node: String) throws -> Bool {
        let onTask = try db.cachedStatement(
            sql: "UPDATE task SET node = ? WHERE job_id = ? AND id = ? AND attempts = ? AND state = 'running'")
        try onTask.execute(arguments: [node, job, task, attempt])
        guard db.changesCount > 0 else { return false }
        let onAttempt = try db.cachedStatement(sql: "UPDATE attempt SET node = ? WHERE job_id = ? AND task_id = ? AND number = ?")
        try onAttempt.execute(arguments: [node, job, task, attempt])
        return true
    }

    /// Appends an event to a job's log (the pool's placement decisions and re-queues).
    public func logEvent(job: String, kind: JobEvent.Kind, task: String? = nil, attempt: Int? = nil, message: String? = nil) throws {
        try write("log event of \(job)") { db in
            try Self.appendEvent(db, job: job, kind: kind, task: task, attempt: attempt, message: message)
        }
    }

    /// Appends several events in one transaction.
    public func logEvents(_ events: [(job: String, kind: JobEvent.Kind, task: String?, attempt: Int?, message: String?)]) throws {
        guard !events.isEmpty else { return }
        try write("log events") { db in
            for event in events {
                try Self.appendEvent(db, job: event.job, kind: event.kind, task: event.task, attempt: event.attempt, message: event.message)
            }
        }
    }

    /// How many tasks are in each state, over every job (metrics).
    public func taskCountsByState() throws -> [TaskState: Int] {
        try read("count tasks") { db in
            var counts: [TaskState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM task GROUP BY state") {
                if let state = TaskState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// How many jobs are in each state (metrics).
    public func jobCountsByState() throws -> [JobState: Int] {
        try read("count jobs") { db in
            var counts: [JobState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM job GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// The jobs not yet ended (pending or running), oldest first: what a restarted requester drives again.
    public func unfinishedJobs() throws -> [JobRecord] {
        try read("list unfinished jobs") { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.jobColumns) FROM job WHERE state IN ('pending', 'running') ORDER BY id")
                .map(Self.jobRecord)
        }
    }

    /// The task counts of several jobs at once, by job id then state name.
    public func taskCounts(jobs: [String]) throws -> [String: [String: Int]] {
        guard !jobs.isEmpty else { return [:] }
        return try read("count tasks of jobs") { db in
            var result: [String: [String: Int]] = [:]
            let marks = Array(repeating: "?", count: jobs.count).joined(separator: ", ")
            for row in try Row.fetchAll(
                db, sql: "SELECT job_id, state, COUNT(*) AS n FROM task WHERE job_id IN (\(marks)) GROUP BY job_id, state",
                arguments: StatementArguments(jobs))
            {
                result[row["job_id"], default: [:]][row["state"]] = row["n"]
            }
            return result
        }
    }
}
