import Foundation
import GRDB

extension JobStore {
    /// The events of a job after sequence number `after` (all of them by default), oldest first,
    /// at most `limit` of them when it is given.
    public func events(of job: String, after: Int64 = 0, limit: Int? = nil) throws -> [JobEvent] {
        try read("read events of \(job)") { db in
            try Row.fetchAll(
                cached: db, sql: "SELECT \(Self.eventColumns) FROM event WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [job, after, limit.map { max(0, $0) } ?? -1]
            ).map(Self.event)
        }
    }

    /// Appends one event inside the caller's transaction.
    static func appendEvent(
        _ db: Database, job: String, kind: JobEvent.Kind, task: String? = nil, attempt: Int? = nil, message: String? = nil
    ) throws {
        try db.cachedStatement(sql: "INSERT INTO event (job_id, time, kind, task_id, attempt, message) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [job, Date().timeIntervalSince1970, kind.rawValue, task, attempt, message])
    }
}
