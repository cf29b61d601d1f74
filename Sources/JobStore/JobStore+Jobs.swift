import Foundation
import GRDB
import IPLD

extension JobStore {
    /// Stores a new job and its tasks (all ``TaskState/pending``), in one transaction, with a
    /// `job.created` event.
    ///
    /// - Parameter tasks: The job's tasks in spec order.
    /// - Throws: ``JobStoreError/Code/database`` (also when the id is taken).
    public func createJob(_ job: JobRecord, tasks: [NewTask]) throws {
        try write("create job \(job.id)") { db in
            try db.executeCached(
                sql: "INSERT INTO job (\(Self.jobColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    job.id, job.name, job.spec, job.specFile, Self.json(job.inputs), Self.json(job.tools),
                    job.options.keepGoing, job.options.noCache, job.state.rawValue, job.reason,
                    Self.seconds(job.created), Self.seconds(job.finished),
                ])
            let insert = try db.cachedStatement(
                sql: "INSERT INTO task (job_id, id, position, state, recipe) VALUES (?, ?, ?, 'pending', ?)")
            for (position, task) in tasks.enumerated() {
                try insert.execute(arguments: [job.id, task.id, position, task.recipe?.string])
            }
            try Self.appendEvent(db, job: job.id, kind: .jobCreated, message: "\(tasks.count) task\(tasks.count == 1 ? "" : "s")")
        }
    }

    /// The job with this exact id.
    ///
    /// - Throws: ``JobStoreError/Code/notFound``.
    public func job(_ id: String) throws -> JobRecord {
        try read("read job \(id)") { db in try Self.job(db, id) }
    }

    /// The most recent jobs first.
    public func jobs(limit: Int = 100) throws -> [JobRecord] {
        try read("list jobs") { db in
            try Row.fetchAll(cached: db, sql: "SELECT \(Self.jobColumns) FROM job ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.jobRecord)
        }
    }

    /// The full id of the one job whose id starts with `prefix` (or is `prefix`).
    ///
    /// - Throws: ``JobStoreError/Code/notFound`` when none matches, ``JobStoreError/Code/ambiguous``
    ///   when several do.
    public func resolveJobID(_ prefix: String) throws -> String {
        guard JobID.isValidPrefix(prefix) else {
            throw JobStoreError(.notFound, "'\(prefix)' is not a run id (ids look like \(JobID.generate()))")
        }
        let matches = try read("find job \(prefix)") { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM job WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
                arguments: [prefix, prefix + "\u{7f}"])
        }
        if matches.isEmpty { throw JobStoreError(.notFound, "no run with id \(prefix)") }
        if matches.count > 1, !matches.contains(prefix) {
            throw JobStoreError(.ambiguous, "'\(prefix)' matches several runs (\(matches.joined(separator: ", ")), …); give more of the id")
        }
        return matches.contains(prefix) ? prefix : matches[0]
    }

    /// Changes a job's state (the job state machine decides what is allowed) and logs it.
    ///
    /// Reaching an end state sets ``JobRecord/finished``; going back to running clears it and the reason.
    ///
    /// - Throws: ``JobStoreError/Code/invalidTransition`` for a change ``JobState`` does not allow.
    @discardableResult
    public func setJobState(_ id: String, to state: JobState, reason: String? = nil) throws -> JobRecord {
        try write("update job \(id)") { db in
            var job = try Self.job(db, id)
            guard job.state.canChange(to: state) else {
                throw JobStoreError(.invalidTransition, "job \(id) cannot go from \(job.state.rawValue) to \(state.rawValue)")
            }
            let wasRunning = job.state == .running
            job.state = state
            job.reason = state.isTerminal ? reason : nil
            job.finished = state.isTerminal ? Date() : nil
            try db.executeCached(
                sql: "UPDATE job SET state = ?, reason = ?, finished = ? WHERE id = ?",
                arguments: [state.rawValue, job.reason, Self.seconds(job.finished), id])
            if state == .running, !wasRunning {
                try Self.appendEvent(db, job: id, kind: .jobStarted)
            } else if state.isTerminal {
                try Self.appendEvent(db, job: id, kind: .jobFinished, message: state.rawValue + (reason.map { ": \($0)" } ?? ""))
            }
            return job
        }
    }

    static func job(_ db: Database, _ id: String) throws -> JobRecord {
        guard let row = try Row.fetchOne(cached: db, sql: "SELECT \(jobColumns) FROM job WHERE id = ?", arguments: [id]) else {
            throw JobStoreError(.notFound, "no run with id \(id)")
        }
        return try jobRecord(row)
    }
}
