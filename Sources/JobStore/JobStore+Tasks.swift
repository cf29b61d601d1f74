import Foundation
import GRDB
import IPLD

extension JobStore {
    /// The tasks of a job, in spec order.
    public func tasks(of job: String) throws -> [TaskRecord] {
        try read("read tasks of \(job)") { db in
            try Row.fetchAll(
                cached: db, sql: "SELECT \(Self.taskColumns) FROM task WHERE job_id = ? ORDER BY position", arguments: [job]
            ).map(Self.taskRecord)
        }
    }

    /// One task of a job.
    ///
    /// - Throws: ``JobStoreError/Code/notFound``.
    public func task(job: String, id: String) throws -> TaskRecord {
        try read("read task \(job)/\(id)") { db in try Self.task(db, job: job, id: id) }
    }

    /// The attempts of a task, first first.
    public func attempts(job: String, task: String) throws -> [AttemptRecord] {
        try read("read attempts of \(job)/\(task)") { db in
            try Row.fetchAll(
                cached: db, sql: "SELECT \(Self.attemptColumns) FROM attempt WHERE job_id = ? AND task_id = ? ORDER BY number",
                arguments: [job, task]
            ).map(Self.attemptRecord)
        }
    }

    /// `pending → ready`: every task the task reads from is done.
    public func markReady(job: String, task: String) throws {
        try markReady(job: job, tasks: [task])
    }

    /// `pending → ready` for several tasks in one transaction (a wave of a job's tasks became
    /// ready at once), with their events in the order given. All or none: a task that cannot
    /// become ready leaves every one as it was.
    public func markReady(job: String, tasks: [String]) throws {
        guard !tasks.isEmpty else { return }
        try write("update tasks of \(job)") { db in try Self.markReady(db, job: job, tasks: tasks) }
    }

    static func markReady(_ db: Database, job: String, tasks: [String]) throws {
        for task in tasks {
            let (state, _) = try Self.progress(db, job: job, id: task)
            try Self.check(job: job, task: task, state, to: .ready)
            try db.executeCached(sql: "UPDATE task SET state = 'ready' WHERE job_id = ? AND id = ?", arguments: [job, task])
            try Self.appendEvent(db, job: job, kind: .taskReady, task: task)
        }
    }

    /// Opens a new attempt: `ready → running`, or `running → running` when the previous attempt
    /// was lost (its process stopped before reporting; that attempt is closed as
    /// ``AttemptRecord/lostState``).
    ///
    /// The event logged is `task.running`, or `task.queued` when `queued`: the attempt only
    /// waits in a pool's queue, and its `task.running` comes when a node claims it
    /// (``claimExecutions(node:limit:leaseUntil:at:)``). The task's state is
    /// ``TaskState/running`` either way (an attempt is open).
    ///
    /// - Parameters:
    ///   - node: The node the attempt is assigned to, when known.
    ///   - queued: Whether the attempt is queued rather than started.
    /// - Returns: The new attempt's number (1 for the first).
    @discardableResult
    public func startAttempt(job: String, task: String, node: String?, queued: Bool = false) throws -> Int {
        try write("start task \(job)/\(task)") { db in
            try Self.openAttempt(db, job: job, task: task, node: node, queued: queued, at: Date().timeIntervalSince1970)
        }
    }

    /// Opens a new attempt of each task in one transaction (a wave of a job's tasks starts at
    /// once), like ``startAttempt(job:task:node:queued:)`` for each, with their events in the order
    /// given. All or none: a task that cannot start leaves every one as it was.
    ///
    /// - Parameter readying: Tasks to mark ready first, in the same transaction, as
    ///   ``markReady(job:tasks:)`` would (the tasks a wave promotes and starts at once cost one
    ///   commit, not two).
    /// - Returns: The new attempts' numbers, in the order of `tasks`.
    @discardableResult
    public func startAttempts(job: String, tasks: [String], node: String?, queued: Bool = false, readying: [String] = []) throws -> [Int] {
        guard !tasks.isEmpty else {
            try markReady(job: job, tasks: readying)
            return []
        }
        return try write("start tasks of \(job)") { db in
            try Self.markReady(db, job: job, tasks: readying)
            let now = Date().timeIntervalSince1970
            return try tasks.map { task in try Self.openAttempt(db, job: job, task: task, node: node, queued: queued, at: now) }
        }
    }

    /// Closes attempt `attempt` of a running task as failed and opens the next one, in one
    /// transaction: the task stays `running` (it is run again within its `retries`).
    ///
    /// The failed attempt keeps its reason, step and node; the task's own result fields stay
    /// empty until an attempt ends it with ``finishTask(job:task:attempt:result:)``. The events
    /// logged are `attempt.failed` (with `message`), then `task.queued` or `task.running` as for
    /// ``startAttempt(job:task:node:queued:)``.
    ///
    /// - Returns: The new attempt's number, or `nil` when `attempt` is not the task's open
    ///   attempt (a stale report: nothing changes).
    public func retryTask(
        job: String, task: String, attempt: Int, failure: TaskResult, message: String, node: String?, queued: Bool = false
    ) throws -> Int? {
        guard failure.state == .failed else {
            throw JobStoreError(.invalidTransition, "only a failed attempt of \(job)/\(task) is retried, not a \(failure.state.rawValue) one")
        }
        return try write("retry task \(job)/\(task)") { db in
            let (state, attempts) = try Self.progress(db, job: job, id: task)
            guard state == .running, attempts == attempt else { return nil }
            let now = Date().timeIntervalSince1970
            try Self.closeAttempt(db, job: job, task: task, number: attempt, as: failure, at: now)
            try Self.appendEvent(db, job: job, kind: .attemptFailed, task: task, attempt: attempt, message: message)
            return try Self.insertAttempt(db, job: job, task: task, number: attempt + 1, node: node, queued: queued, at: now)
        }
    }

    /// Records how attempt `attempt` of a running task ended: `running → succeeded | cached |
    /// failed | cancelled`, with its outputs, step and reason.
    ///
    /// Idempotent and safe against stale reports: a report for another attempt than the
    /// task's current one, or for a task that already ended, changes nothing (a result
    /// reported twice is recorded once).
    ///
    /// - Returns: Whether the result was recorded.
    /// - Throws: ``JobStoreError/Code/invalidTransition`` when `result.state` is not an end of a run.
    @discardableResult
    public func finishTask(job: String, task: String, attempt: Int, result: TaskResult) throws -> Bool {
        guard [.succeeded, .cached, .failed, .cancelled].contains(result.state) else {
            throw JobStoreError(.invalidTransition, "a run of task \(job)/\(task) cannot end as \(result.state.rawValue)")
        }
        return try write("finish task \(job)/\(task)") { db in
            let record = try Self.task(db, job: job, id: task)
            guard record.state == .running, record.attempts == attempt else { return false }
            let now = Date().timeIntervalSince1970
            try db.executeCached(
                sql: """
                    UPDATE task SET state = ?, reason = ?, message = ?, exit_code = ?, stderr_tail = ?, recipe = COALESCE(?, recipe),
                        step = ?, outputs = ?, stdout = ?, stderr = ?, original = ?, node = COALESCE(?, node),
                        output_bytes = ?, finished = ?
                    WHERE job_id = ? AND id = ?
                    """,
                arguments: [
                    result.state.rawValue, result.reason, result.message, result.exitCode, result.stderrTail,
                    result.recipe?.string, result.step?.string, Self.json(result.outputs), result.stdout?.string,
                    result.stderr?.string, result.original?.string, result.node, result.outputBytes, now, job, task,
                ])
            try Self.closeAttempt(db, job: job, task: task, number: attempt, as: result, at: now)
            try Self.appendEvent(
                db, job: job, kind: .task(result.state), task: task, attempt: attempt,
                message: result.message ?? result.reason)
            return true
        }
    }

    /// `pending | ready → skipped`: the task will not run in this run.
    public func skipTask(job: String, task: String, reason: String, message: String) throws {
        try write("skip task \(job)/\(task)") { db in
            let record = try Self.task(db, job: job, id: task)
            guard record.state == .pending || record.state == .ready else {
                throw JobStoreError(.invalidTransition, "task \(job)/\(task) is \(record.state.rawValue); only a task not started can be skipped")
            }
            try Self.end(db, job: job, task: task, state: .skipped, reason: reason, message: message)
        }
    }

    /// `pending | ready | running → cancelled`. A running task's open attempt is closed as cancelled.
    public func cancelTask(job: String, task: String, message: String) throws {
        try write("cancel task \(job)/\(task)") { db in
            let record = try Self.task(db, job: job, id: task)
            try Self.check(record, to: .cancelled)
            if record.state == .running {
                try db.executeCached(
                    sql: "UPDATE attempt SET state = 'cancelled', reason = 'cancelled', finished = ? WHERE job_id = ? AND task_id = ? AND state = 'running'",
                    arguments: [Date().timeIntervalSince1970, job, task])
            }
            try Self.end(db, job: job, task: task, state: .cancelled, reason: "cancelled", message: message)
        }
    }

    /// Puts every failed, skipped, cancelled or ready task of a job back to ``TaskState/pending``,
    /// so a resumed run tries them again; succeeded, cached and running tasks are left alone,
    /// except the finished ones named in `redo` (whose results were lost).
    ///
    /// - Returns: The ids of the tasks reset, in spec order.
    @discardableResult
    public func resetForRetry(job: String, redo: [String] = []) throws -> [String] {
        try write("reset tasks of \(job)") { db in
            _ = try Self.job(db, job)
            let redo = Set(redo)
            let ids = try Row.fetchAll(db, sql: "SELECT id, state FROM task WHERE job_id = ? ORDER BY position", arguments: [job])
                .filter { row in
                    switch row["state"] as String {
                    case "failed", "skipped", "cancelled", "ready": true
                    case "succeeded", "cached": redo.contains(row["id"])
                    default: false
                    }
                }
                .map { $0["id"] as String }
            for id in ids {
                try db.executeCached(
                    sql: """
                        UPDATE task SET state = 'pending', reason = NULL, message = NULL, exit_code = NULL,
                            stderr_tail = NULL, step = NULL, outputs = '{}', stdout = NULL, stderr = NULL,
                            original = NULL, output_bytes = 0, finished = NULL
                        WHERE job_id = ? AND id = ?
                        """, arguments: [job, id])
                try Self.appendEvent(
                    db, job: job, kind: .taskReset, task: id, message: redo.contains(id) ? "its results are no longer all in the store" : nil)
            }
            return ids
        }
    }

    // MARK: Helpers

    /// Closes a lost attempt if the task was left running, and opens the next one.
    static func openAttempt(
        _ db: Database, job: String, task: String, node: String?, queued: Bool, at now: TimeInterval
    ) throws -> Int {
        let (state, attempts) = try Self.progress(db, job: job, id: task)
        try Self.check(job: job, task: task, state, to: .running)
        if state == .running {
            try db.executeCached(
                sql: """
                    UPDATE attempt SET state = ?, reason = 'interrupted', finished = ?
                    WHERE job_id = ? AND task_id = ? AND state = 'running'
                    """,
                arguments: [AttemptRecord.lostState, now, job, task])
            try Self.appendEvent(
                db, job: job, kind: .attemptLost, task: task, attempt: attempts,
                message: "attempt \(attempts) stopped without reporting")
        }
        return try insertAttempt(db, job: job, task: task, number: attempts + 1, node: node, queued: queued, at: now)
    }

    /// Records how attempt `number` ended: its state, reason, step and node.
    static func closeAttempt(_ db: Database, job: String, task: String, number: Int, as result: TaskResult, at now: TimeInterval) throws {
        try db.executeCached(
            sql: """
                UPDATE attempt SET state = ?, reason = ?, step = ?, node = COALESCE(?, node), finished = ?
                WHERE job_id = ? AND task_id = ? AND number = ?
                """,
            arguments: [result.state.rawValue, result.reason, result.step?.string, result.node, now, job, task, number])
    }

    /// Makes attempt `number` the task's open attempt and logs `task.queued` or `task.running`.
    static func insertAttempt(
        _ db: Database, job: String, task: String, number: Int, node: String?, queued: Bool, at now: TimeInterval
    ) throws -> Int {
        try db.executeCached(
            sql: """
                UPDATE task SET state = 'running', attempts = ?, node = ?, started = ?, finished = NULL,
                    reason = NULL, message = NULL, exit_code = NULL, stderr_tail = NULL
                WHERE job_id = ? AND id = ?
                """,
            arguments: [number, node, now, job, task])
        try db.executeCached(
            sql: "INSERT INTO attempt (job_id, task_id, number, state, node, started) VALUES (?, ?, ?, 'running', ?, ?)",
            arguments: [job, task, number, node, now])
        try Self.appendEvent(db, job: job, kind: queued ? .taskQueued : .taskRunning, task: task, attempt: number)
        return number
    }

    static func task(_ db: Database, job: String, id: String) throws -> TaskRecord {
        guard let row = try Row.fetchOne(
            cached: db, sql: "SELECT \(taskColumns) FROM task WHERE job_id = ? AND id = ?", arguments: [job, id])
        else {
            _ = try Self.job(db, job)
            throw JobStoreError(.notFound, "run \(job) has no task '\(id)'")
        }
        return try taskRecord(row)
    }

    /// A task's state and attempt count, all a transition needs: reading only these two columns
    /// spares decoding the whole record (its CIDs and output map) for each task of a wave.
    ///
    /// - Throws: ``JobStoreError/Code/notFound`` as ``task(_:job:id:)`` does.
    static func progress(_ db: Database, job: String, id: String) throws -> (state: TaskState, attempts: Int) {
        guard let row = try Row.fetchOne(
            cached: db, sql: "SELECT state, attempts FROM task WHERE job_id = ? AND id = ?", arguments: [job, id])
        else {
            _ = try Self.job(db, job)
            throw JobStoreError(.notFound, "run \(job) has no task '\(id)'")
        }
        guard let state = TaskState(rawValue: row["state"]) else { throw corrupt("task \(job)/\(id)", "unknown state") }
        return (state, row["attempts"])
    }

    static func check(_ record: TaskRecord, to next: TaskState) throws {
        try check(job: record.jobID, task: record.id, record.state, to: next)
    }

    static func check(job: String, task: String, _ state: TaskState, to next: TaskState) throws {
        guard state.canChange(to: next) else {
            throw JobStoreError(
                .invalidTransition, "task \(job)/\(task) cannot go from \(state.rawValue) to \(next.rawValue)")
        }
    }

    static func end(_ db: Database, job: String, task: String, state: TaskState, reason: String, message: String) throws {
        try db.executeCached(
            sql: "UPDATE task SET state = ?, reason = ?, message = ?, finished = ? WHERE job_id = ? AND id = ?",
            arguments: [state.rawValue, reason, message, Date().timeIntervalSince1970, job, task])
        try appendEvent(db, job: job, kind: .task(state), task: task, message: message)
    }
}
