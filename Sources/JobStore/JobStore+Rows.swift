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

    static func jobRecord(_ row: Row) throws -> JobRecord {
        let id: String = row["id"]
        guard let state = JobState(rawValue: row["state"]) else { throw corrupt("job \(id)", "unknown state") }
        return JobRecord(
            id: id, name: row["name"], spec: row["spec"], specFile: row["spec_file"],
            inputs: try cidMap(row["inputs"], "job \(id) inputs"), tools: try cidMap(row["tools"], "job \(id) tools"),
            options: JobOptions(keepGoing: row["keep_going"], noCache: row["no_cache"]), state: state,
            reason: row["reason"], created: date(row["created"]) ?? Date(timeIntervalSince1970: 0),
            finished: date(row["finished"]))
    }

    static func taskRecord(_ row: Row) throws -> TaskRecord {
        let name = "task \(row["job_id"] as String)/\(row["id"] as String)"
        guard let state = TaskState(rawValue: row["state"]) else { throw corrupt(name, "unknown state") }
        return TaskRecord(
            jobID: row["job_id"], id: row["id"], position: row["position"], state: state, attempts: row["attempts"],
            reason: row["reason"], message: row["message"], exitCode: row["exit_code"], stderrTail: row["stderr_tail"],
            recipe: try cid(row["recipe"], name), step: try cid(row["step"], name),
            outputs: try cidMap(row["outputs"], "\(name) outputs"), stdout: try cid(row["stdout"], name),
            stderr: try cid(row["stderr"], name), original: try cid(row["original"], name), node: row["node"],
            outputBytes: row["output_bytes"], started: date(row["started"]), finished: date(row["finished"]))
    }

    static func attemptRecord(_ row: Row) throws -> AttemptRecord {
        AttemptRecord(
            jobID: row["job_id"], taskID: row["task_id"], number: row["number"], state: row["state"], node: row["node"],
            reason: row["reason"], step: try cid(row["step"], "attempt"),
            started: date(row["started"]) ?? Date(timeIntervalSince1970: 0), finished: date(row["finished"]))
    }

    static func event(_ row: Row) throws -> JobEvent {
        guard let kind = JobEvent.Kind(rawValue: row["kind"]) else { throw corrupt("event \(row["seq"] as Int64)", "unknown kind") }
        return JobEvent(
            sequence: row["seq"], jobID: row["job_id"], time: date(row["time"]) ?? Date(timeIntervalSince1970: 0),
            kind: kind, taskID: row["task_id"], attempt: row["attempt"], message: row["message"])
    }

    // MARK: Column values

    static func date(_ seconds: Double?) -> Date? { seconds.map(Date.init(timeIntervalSince1970:)) }

    static func seconds(_ date: Date?) -> Double? { date?.timeIntervalSince1970 }

    static func cid(_ text: String?, _ what: String) throws -> CID? {
        guard let text else { return nil }
        do { return try CID(text) } catch { throw corrupt(what, "'\(text)' is not a CID") }
    }

    static func cidMap(_ json: String, _ what: String) throws -> [String: CID] {
        guard let data = json.data(using: .utf8),
              let map = try? JSONDecoder().decode([String: String].self, from: data)
        else { throw corrupt(what, "not a JSON map of CIDs") }
        var result: [String: CID] = [:]
        for (name, text) in map {
            guard let cid = try? CID(text) else { throw corrupt(what, "'\(text)' is not a CID") }
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
