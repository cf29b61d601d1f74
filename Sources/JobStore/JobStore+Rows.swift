import Foundation
import GRDB
import IPLD

/// Reading records out of rows and writing their columns: the one place that knows both shapes.
extension JobStore {
    static let jobColumns = "id, name, spec, spec_file, inputs, tools, keep_going, no_cache, state, reason, created, finished"
    static let taskColumns = """
        job_id, id, position, state, attempts, reason, message, exit_code, stderr_tail, recipe, step, outputs, \
        stdout, stderr, original, node, output_bytes, started, finished
        """
    static let attemptColumns = "job_id, task_id, number, state, node, reason, step, started, finished"
    static let eventColumns = "seq, job_id, time, kind, task_id, attempt, message"

    // The readers below take columns by position, in the order of the column lists above (every
    // SELECT that feeds them names those lists): a lookup by name lowercases the name and scans
    // the row's columns, which cost more than the rest of decoding a row on the pool's hot paths.

    /// A job from a row of ``jobColumns``.
    static func jobRecord(_ row: Row) throws -> JobRecord {
        let id: String = row[0]
        guard let state = JobState(rawValue: row[8]) else { throw corrupt("job \(id)", "unknown state") }
        return JobRecord(
            id: id, name: row[1], spec: row[2], specFile: row[3],
            inputs: try cidMap(row[4], "job \(id) inputs"), tools: try cidMap(row[5], "job \(id) tools"),
            options: JobOptions(keepGoing: row[6], noCache: row[7]), state: state,
            reason: row[9], created: date(row[10]) ?? Date(timeIntervalSince1970: 0), finished: date(row[11]))
    }

    /// A task from a row of ``taskColumns``.
    static func taskRecord(_ row: Row) throws -> TaskRecord {
        let job: String = row[0]
        let id: String = row[1]
        func name() -> String { "task \(job)/\(id)" }
        guard let state = TaskState(rawValue: row[3]) else { throw corrupt(name(), "unknown state") }
        return TaskRecord(
            jobID: job, id: id, position: row[2], state: state, attempts: row[4],
            reason: row[5], message: row[6], exitCode: row[7], stderrTail: row[8],
            recipe: try cid(row[9], name()), step: try cid(row[10], name()),
            outputs: try cidMap(row[11], "\(name()) outputs"), stdout: try cid(row[12], name()),
            stderr: try cid(row[13], name()), original: try cid(row[14], name()), node: row[15],
            outputBytes: row[16], started: date(row[17]), finished: date(row[18]))
    }

    /// An attempt from a row of ``attemptColumns``.
    static func attemptRecord(_ row: Row) throws -> AttemptRecord {
        AttemptRecord(
            jobID: row[0], taskID: row[1], number: row[2], state: row[3], node: row[4],
            reason: row[5], step: try cid(row[6], "attempt"),
            started: date(row[7]) ?? Date(timeIntervalSince1970: 0), finished: date(row[8]))
    }

    /// An event from a row of ``eventColumns``.
    static func event(_ row: Row) throws -> JobEvent {
        guard let kind = JobEvent.Kind(rawValue: row[3]) else { throw corrupt("event \(row[0] as Int64)", "unknown kind") }
        return JobEvent(
            sequence: row[0], jobID: row[1], time: date(row[2]) ?? Date(timeIntervalSince1970: 0),
            kind: kind, taskID: row[4], attempt: row[5], message: row[6])
    }

    // MARK: Column values

    static func date(_ seconds: Double?) -> Date? { seconds.map(Date.init(timeIntervalSince1970:)) }

    static func seconds(_ date: Date?) -> Double? { date?.timeIntervalSince1970 }

    static func cid(_ text: String?, _ what: @autoclosure () -> String) throws -> CID? {
        guard let text else { return nil }
        do { return try CID(text) } catch { throw corrupt(what(), "'\(text)' is not a CID") }
    }

    static func cidMap(_ json: String, _ what: @autoclosure () -> String) throws -> [String: CID] {
        // Most maps are empty (a task not run yet): no decoder for those.
        if json == "{}" { return [:] }
        guard let data = json.data(using: .utf8),
              let map = try? JSONDecoder().decode([String: String].self, from: data)
        else { throw corrupt(what(), "not a JSON map of CIDs") }
        var result: [String: CID] = [:]
        for (name, text) in map {
            guard let cid = try? CID(text) else { throw corrupt(what(), "'\(text)' is not a CID") }
            result[name] = cid
        }
        return result
    }

    static func json(_ map: [String: CID]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(map.mapValues(\.string))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func corrupt(_ what: String, _ why: String) -> JobStoreError {
        JobStoreError(.corruptRecord, "\(what): \(why)")
    }
}

/// Statements through the connection's statement cache: the hot paths of the pool (a few
/// statements per task) then compile each SQL text once per connection, instead of on every
/// call (compiling a statement, with GRDB's authorizer looking at every column it reads, cost
/// more CPU than running it). Only for SQL whose text does not vary with the arguments.
extension Database {
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    static func fetchOne(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchAll(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
