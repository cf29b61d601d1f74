import Foundation
import GRDB
import Provenance

/// The pool's executions: each state change is one `IMMEDIATE` transaction that checks the
/// current state first (see ``ExecutionState``), so a report racing a lease expiry, a duplicate
/// report or a second claim of the same execution has exactly one winner.
extension JobStore {
    static let executionColumns = """
        id, job_id, task_id, attempt, state, node, assignment, ready_since, not_before, lease_expires, placement, \
        outcome, reason, created, placed, claimed, finished
        """

    /// Stores a new execution (normally ``ExecutionState/queued``).
    public func createExecution(_ execution: ExecutionRecord) throws {
        try createExecutions([execution])
    }

    /// Stores new executions in one transaction (a wave of a job's steps queued at once). All or
    /// none: one that cannot be stored (an id already used, an unknown job) stores none.
    public func createExecutions(_ executions: [ExecutionRecord]) throws {
        guard let first = executions.first else { return }
        try write(executions.count == 1 ? "create execution \(first.id)" : "create \(executions.count) executions") { db in
            for execution in executions {
                try db.executeCached(
                    sql: "INSERT INTO pool_execution (\(Self.executionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        execution.id, execution.jobID, execution.taskID, execution.attempt, execution.state.rawValue,
                        execution.node, execution.assignment, Self.seconds(execution.readySince),
                        Self.seconds(execution.notBefore), Self.seconds(execution.leaseExpires), execution.placement,
                        execution.outcome, execution.reason, Self.seconds(execution.created), Self.seconds(execution.placed),
                        Self.seconds(execution.claimed), Self.seconds(execution.finished),
                    ])
            }
        }
    }

    /// One execution, or `nil`.
    public func execution(_ id: String) throws -> ExecutionRecord? {
        try read("read execution \(id)") { db in try Self.execution(db, id) }
    }

    /// The executions of a task, oldest first.
    public func executions(job: String, task: String) throws -> [ExecutionRecord] {
        try read("read executions of \(job)/\(task)") { db in
            try Row.fetchAll(
                cached: db, sql: "SELECT \(Self.executionColumns) FROM pool_execution WHERE job_id = ? AND task_id = ? ORDER BY created, id",
                arguments: [job, task]
            ).map(Self.executionRecord)
        }
    }

    /// The latest execution of each task of a job, by task id.
    public func latestExecutions(job: String) throws -> [String: ExecutionRecord] {
        try read("read executions of \(job)") { db in
            var latest: [String: ExecutionRecord] = [:]
            for row in try Row.fetchAll(
                cached: db, sql: "SELECT \(Self.executionColumns) FROM pool_execution WHERE job_id = ? ORDER BY created, id", arguments: [job])
            {
                let record = try Self.executionRecord(row)
                latest[record.taskID] = record
            }
            return latest
        }
    }

    /// The executions in any of `states`, oldest first (optionally only those of `node`).
    public func executions(in states: Set<ExecutionState>, node: String? = nil) throws -> [ExecutionRecord] {
        let list = states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        return try read("list executions") { db in
            if let node {
                return try Row.fetchAll(
                    cached: db, sql: "SELECT \(Self.executionColumns) FROM pool_execution WHERE state IN (\(list)) AND node = ? ORDER BY created, id",
                    arguments: [node]
                ).map(Self.executionRecord)
            }
            return try Row.fetchAll(
                cached: db, sql: "SELECT \(Self.executionColumns) FROM pool_execution WHERE state IN (\(list)) ORDER BY created, id"
            ).map(Self.executionRecord)
        }
    }

    /// `queued → placed` for each pair that is still queued, with the placement's reason, the
    /// node recorded on the execution's task attempt (see ``assignAttempt(job:task:attempt:node:)``)
    /// and a `task.placed` event carrying the reason, all in one transaction: a placement pass
    /// costs one commit, not one per placed step, and a claim cannot come before its `task.placed`.
    ///
    /// - Returns: the ids placed (an execution cancelled meanwhile is left out).
    @discardableResult
    public func placeExecutions(_ placements: [(id: String, node: String, reason: String)], at date: Date = Date()) throws -> [String] {
        guard !placements.isEmpty else { return [] }
        return try write("place executions") { db in
            // One statement per placement: the update says whether it was still queued and whose it is.
            let update = try db.cachedStatement(
                sql: """
                    UPDATE pool_execution SET state = 'placed', node = ?, placement = ?, placed = ?
                    WHERE id = ? AND state = 'queued' RETURNING job_id, task_id, attempt
                    """)
            var placed: [String] = []
            for placement in placements {
                guard let row = try Row.fetchOne(update, arguments: [placement.node, placement.reason, Self.seconds(date), placement.id])
                else { continue }
                placed.append(placement.id)
                let (job, task, attempt): (String, String, Int) = (row[0], row[1], row[2])
                _ = try Self.assignAttempt(db, job: job, task: task, attempt: attempt, node: placement.node)
                try Self.appendEvent(db, job: job, kind: .taskPlaced, task: task, attempt: attempt, message: placement.reason)
            }
            return placed
        }
    }

    /// `placed → queued`: the node it waited for is gone or never claimed it. With `node`, every
    /// execution placed on that node; with `ids`, those.
    ///
    /// - Returns: the ids put back in the queue.
    @discardableResult
    public func unplaceExecutions(node: String? = nil, ids: [String] = []) throws -> [String] {
        try write("unplace executions") { db in
            var back: [String] = []
            if let node {
                back += try String.fetchAll(db, sql: "SELECT id FROM pool_execution WHERE node = ? AND state = 'placed'", arguments: [node])
                try db.executeCached(
                    sql: "UPDATE pool_execution SET state = 'queued', node = NULL, placed = NULL WHERE node = ? AND state = 'placed'",
                    arguments: [node])
            }
            let update = try db.cachedStatement(
                sql: "UPDATE pool_execution SET state = 'queued', node = NULL, placed = NULL WHERE id = ? AND state = 'placed'")
            for id in ids {
                try update.execute(arguments: [id])
                if db.changesCount > 0 { back.append(id) }
            }
            return back
        }
    }

    /// Remembers the latest placement reason of a queued execution (why it waits).
    public func notePlacement(_ id: String, reason: String) throws {
        try write("note placement of \(id)") { db in
            try db.executeCached(sql: "UPDATE pool_execution SET placement = ? WHERE id = ?", arguments: [reason, id])
        }
    }

    /// `placed → assigned` for up to `limit` executions placed on `node`, oldest placement
    /// first, each with a lease until `leaseUntil`. Each claimed attempt's job logs
    /// `task.running` (`on <node>`) in the same transaction: the attempt was only queued until
    /// now (see ``startAttempt(job:task:node:queued:)``).
    public func claimExecutions(node: String, limit: Int, leaseUntil: Date, at date: Date = Date()) throws -> [ExecutionRecord] {
        try write("claim for \(node)") { db in try Self.claim(db, node: node, limit: limit, leaseUntil: leaseUntil, at: date) }
    }

    /// The claims of several nodes in one transaction: for each `(node, limit)`, what
    /// ``claimExecutions(node:limit:leaseUntil:at:)`` would claim, in the order given.
    ///
    /// The claims of a wave's nodes arrive together; one commit for all of them instead of one
    /// each keeps them from queueing one by one for the store's writer behind other writes.
    /// A node named twice claims twice (its second limit counts what the first left).
    public func claimExecutions(
        for claims: [(node: String, limit: Int)], leaseUntil: Date, at date: Date = Date()
    ) throws -> [[ExecutionRecord]] {
        guard !claims.isEmpty else { return [] }
        return try write("claim for \(claims.count) node(s)") { db in
            try claims.map { try Self.claim(db, node: $0.node, limit: $0.limit, leaseUntil: leaseUntil, at: date) }
        }
    }

    private static func claim(_ db: Database, node: String, limit: Int, leaseUntil: Date, at date: Date) throws -> [ExecutionRecord] {
        let rows = try Row.fetchAll(
            cached: db, sql: """
                SELECT \(Self.executionColumns) FROM pool_execution WHERE node = ? AND state = 'placed'
                ORDER BY placed, id LIMIT ?
                """, arguments: [node, max(1, limit)])
        var claimed: [ExecutionRecord] = []
        for row in rows {
            var record = try Self.executionRecord(row)
            try db.executeCached(
                sql: "UPDATE pool_execution SET state = 'assigned', lease_expires = ?, claimed = ? WHERE id = ?",
                arguments: [Self.seconds(leaseUntil), Self.seconds(date), record.id])
            try Self.appendEvent(
                db, job: record.jobID, kind: .taskRunning, task: record.taskID, attempt: record.attempt, message: "on \(node)")
            record.state = .assigned
            record.leaseExpires = leaseUntil
            record.claimed = date
            claimed.append(record)
        }
        return claimed
    }

    /// Renews, until `until`, the leases of the executions `node` holds and lists in `running`
    /// (what it says it runs); they become ``ExecutionState/running``.
    ///
    /// An execution the node holds but does not list keeps the lease it has: when the answer to
    /// a claim is lost on the way, the node never learns of the execution, and renewing it with
    /// every heartbeat would hold the task for ever instead of letting it expire and be re-queued.
    ///
    /// - Returns: how many leases were renewed.
    @discardableResult
    public func renewLeases(node: String, until: Date, running: [String]) throws -> Int {
        guard !running.isEmpty else { return 0 }
        return try write("renew leases of \(node)") { db in
            let renew = try db.cachedStatement(
                sql: """
                    UPDATE pool_execution SET state = 'running', lease_expires = ?
                    WHERE id = ? AND node = ? AND state IN ('assigned', 'running')
                    """)
            var renewed = 0
            for id in Set(running) {
                try renew.execute(arguments: [Self.seconds(until), id, node])
                renewed += db.changesCount
            }
            return renewed
        }
    }

    /// Of the executions a node says it runs, those it must stop: unknown ones, ones it does not
    /// hold any more (lost, handed back, cancelled, held by another node).
    public func executionsToStop(node: String, running: [String]) throws -> [String] {
        guard !running.isEmpty else { return [] }
        return try read("check executions of \(node)") { db in
            var stop: [String] = []
            for id in running {
                let row = try Row.fetchOne(cached: db, sql: "SELECT state, node FROM pool_execution WHERE id = ?", arguments: [id])
                let state = row.flatMap { ExecutionState(rawValue: $0["state"]) }
                let holder: String? = row?["node"]
                if state?.holdsLease != true || holder != node { stop.append(id) }
            }
            return stop
        }
    }

    /// Records a node's report of an execution's outcome (`assigned | running → reported`).
    ///
    /// Idempotent: the same outcome text reported again is a ``ReportDisposition/duplicate(_:)``
    /// and changes nothing; a report for an execution the node does not hold any more (its
    /// lease expired, it was cancelled, it was handed back) is a ``ReportDisposition/conflict(_:)``.
    ///
    /// - Throws: ``JobStoreError/Code/notFound`` for an unknown execution.
    ///
    /// - Parameter index: the provenance index entry of the reported step, recorded in the same
    ///   transaction when the report is recorded or a duplicate (idempotent), so a recorded step
    ///   is never without its index entry and a report costs one commit, not two.
    public func reportExecution(
        _ id: String, node: String, outcome: String, index: ProvenanceIndexEntry? = nil, at date: Date = Date()
    ) throws -> ReportDisposition {
        try write("record report of \(id)") { db in
            guard var record = try Self.execution(db, id) else { throw JobStoreError(.notFound, "no execution \(id)") }
            guard record.node == node else { return .wrongNode(record) }
            if record.state == .reported {
                guard record.outcome == outcome else { return .conflict(record) }
                if let index { try SQLiteProvenanceIndex.record(index, in: db) }
                return .duplicate(record)
            }
            guard record.state.holdsLease else { return .conflict(record) }
            if let index { try SQLiteProvenanceIndex.record(index, in: db) }
            try db.executeCached(
                sql: "UPDATE pool_execution SET state = 'reported', outcome = ?, finished = ?, lease_expires = NULL WHERE id = ?",
                arguments: [outcome, Self.seconds(date), id])
            record.state = .reported
            record.outcome = outcome
            record.finished = date
            record.leaseExpires = nil
            return .recorded(record)
        }
    }

    /// `assigned | running → lost` for every lease that expired before `now`.
    ///
    /// - Returns: the executions lost.
    public func expireLeases(now: Date) throws -> [ExecutionRecord] {
        try write("expire leases") { db in
            let rows = try Row.fetchAll(
                cached: db, sql: """
                    SELECT \(Self.executionColumns) FROM pool_execution
                    WHERE state IN ('assigned', 'running') AND lease_expires < ? ORDER BY created, id
                    """, arguments: [Self.seconds(now)])
            return try rows.map { row in
                try Self.end(db, Self.executionRecord(row), as: .lost, reason: "lease expired", at: now)
            }
        }
    }

    /// Ends every execution `node` holds (`assigned`, `running`) as `state` (``ExecutionState/lost``
    /// when the node restarted, ``ExecutionState/returned`` when it left), and puts the ones
    /// placed on it back in the queue.
    ///
    /// - Returns: the executions ended (not the ones re-queued).
    public func releaseExecutions(node: String, as state: ExecutionState, reason: String, at date: Date = Date()) throws -> [ExecutionRecord] {
        try write("release executions of \(node)") { db in
            let rows = try Row.fetchAll(
                cached: db, sql: "SELECT \(Self.executionColumns) FROM pool_execution WHERE node = ? AND state IN ('assigned', 'running') ORDER BY created, id",
                arguments: [node])
            let ended = try rows.map { row in try Self.end(db, Self.executionRecord(row), as: state, reason: reason, at: date) }
            try db.executeCached(
                sql: "UPDATE pool_execution SET state = 'queued', node = NULL, placed = NULL WHERE node = ? AND state = 'placed'",
                arguments: [node])
            return ended
        }
    }

    /// Ends an active execution as ``ExecutionState/cancelled`` or ``ExecutionState/unplaceable``.
    ///
    /// - Returns: the execution as it was before, or `nil` when it was not active any more.
    @discardableResult
    public func endExecution(_ id: String, as state: ExecutionState, reason: String, at date: Date = Date()) throws -> ExecutionRecord? {
        precondition(state == .cancelled || state == .unplaceable, "only cancellation and placement failure end an execution here")
        return try write("end execution \(id)") { db in
            guard let record = try Self.execution(db, id), record.state.isActive else { return nil }
            _ = try Self.end(db, record, as: state, reason: reason, at: date)
            return record
        }
    }

    static func end(_ db: Database, _ record: ExecutionRecord, as state: ExecutionState, reason: String, at date: Date) throws -> ExecutionRecord {
        try db.executeCached(
            sql: "UPDATE pool_execution SET state = ?, reason = ?, finished = ?, lease_expires = NULL WHERE id = ?",
            arguments: [state.rawValue, reason, Self.seconds(date), record.id])
        var ended = record
        ended.state = state
        ended.reason = reason
        ended.finished = date
        ended.leaseExpires = nil
        return ended
    }

    static func execution(_ db: Database, _ id: String) throws -> ExecutionRecord? {
        try Row.fetchOne(cached: db, sql: "SELECT \(executionColumns) FROM pool_execution WHERE id = ?", arguments: [id]).map(executionRecord)
    }

    /// An execution from a row of ``executionColumns`` (by position, like the readers in
    /// `JobStore+Rows.swift`).
    static func executionRecord(_ row: Row) throws -> ExecutionRecord {
        let id: String = row[0]
        guard let state = ExecutionState(rawValue: row[4]) else { throw corrupt("execution \(id)", "unknown state") }
        return ExecutionRecord(
            id: id, jobID: row[1], taskID: row[2], attempt: row[3], state: state, node: row[5],
            assignment: row[6], readySince: date(row[7]) ?? Date(timeIntervalSince1970: 0),
            notBefore: date(row[8]), leaseExpires: date(row[9]), placement: row[10],
            outcome: row[11], reason: row[12], created: date(row[13]) ?? Date(timeIntervalSince1970: 0),
            placed: date(row[14]), claimed: date(row[15]), finished: date(row[16]))
    }
}

/// The few columns of an active execution that the placement loop reads on every pass.
public struct ExecutionSummary: Sendable, Hashable {
    public var id: String
    public var jobID: String
    public var taskID: String
    public var attempt: Int
    public var state: ExecutionState
    public var node: String?
    public var readySince: Date
    public var notBefore: Date?
    public var placed: Date?
}

extension JobStore {
    /// Every active execution (queued, placed, assigned, running), oldest first, without its
    /// assignment and outcome texts.
    public func activeExecutions() throws -> [ExecutionSummary] {
        try read("list active executions") { db in
            try Row.fetchAll(
                cached: db, sql: """
                    SELECT id, job_id, task_id, attempt, state, node, ready_since, not_before, placed FROM pool_execution
                    WHERE state IN ('queued', 'placed', 'assigned', 'running') ORDER BY created, id
                    """
            ).map { row in
                // By position, in the SELECT's order (every placement pass reads these rows).
                let id: String = row[0]
                guard let state = ExecutionState(rawValue: row[4]) else { throw Self.corrupt("execution \(id)", "unknown state") }
                return ExecutionSummary(
                    id: id, jobID: row[1], taskID: row[2], attempt: row[3], state: state,
                    node: row[5], readySince: Self.date(row[6]) ?? Date(timeIntervalSince1970: 0),
                    notBefore: Self.date(row[7]), placed: Self.date(row[8]))
            }
        }
    }

    /// Gives every lease held now until at least `until`: a requester that restarts does not
    /// hold its own downtime against the nodes.
    public func extendLeases(until: Date) throws {
        try write("extend leases") { db in
            try db.executeCached(
                sql: "UPDATE pool_execution SET lease_expires = MAX(COALESCE(lease_expires, 0), ?) WHERE state IN ('assigned', 'running')",
                arguments: [Self.seconds(until)])
        }
    }
}
