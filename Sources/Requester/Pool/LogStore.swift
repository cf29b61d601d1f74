import Foundation
import IPLD
import JobStore
import Orchestrator
import PoolAPI
import Synchronization

/// The live stdout and stderr of running executions, appended by their workers, one file per
/// execution and stream under `$SHOAL_HOME/pool/logs/<execution>/`.
///
/// Appends carry the byte offset they start at, so a worker that retries an append after a
/// lost answer does not duplicate bytes: data already held is skipped, and an append that would
/// leave a gap is refused.
///
/// These files serve `job logs --follow` while a step runs. The record of a step's logs is its
/// stdout and stderr CIDs: the worker uploads those blocks before it reports, and the reported
/// outcome (then the task) names them. So an execution's folder is removed
/// (``retireIfDone(_:store:repo:)``) once it ended and either its logs are stored that way, or a
/// later execution of its task superseded it (no route reads it any more). The folder of the
/// latest execution of a task whose logs were never stored as blocks (a step lost, handed back
/// or cancelled mid-run) stays: it is the only record of those logs.
final class LogStore: Sendable {
    enum Stream: String, Sendable, CaseIterable { case stdout, stderr }

    let folder: String
    let maxBytes: Int
    private let lock = Mutex<Void>(())

    init(folder: String, maxBytes: Int) throws {
        self.folder = folder
        self.maxBytes = maxBytes
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func path(_ execution: String, _ stream: Stream) -> String {
        "\(folder)/\(execution)/\(stream.rawValue).log"
    }

    /// The current size of a log (0 when none was written).
    func size(_ execution: String, _ stream: Stream) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path(execution, stream))
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Appends `bytes` that start at `offset` of the log.
    ///
    /// - Returns: the log's size after the append.
    /// - Throws: ``RequesterError/Code/conflict`` when `offset` is past the end (a gap),
    ///   ``RequesterError/Code/tooLarge`` past the size limit.
    @discardableResult
    func append(_ execution: String, _ stream: Stream, offset: Int, bytes: [UInt8]) throws -> Int {
        try lock.withLock { _ in
            let file = path(execution, stream)
            let current = size(execution, stream)
            guard offset <= current else {
                throw RequesterError(.conflict, "the \(stream.rawValue) log of \(execution) has \(current) bytes; an append at \(offset) would leave a gap")
            }
            let skip = current - offset
            guard skip < bytes.count else { return current }
            guard current + bytes.count - skip <= maxBytes else {
                throw RequesterError(.tooLarge, "the \(stream.rawValue) log of \(execution) would pass \(maxBytes) bytes")
            }
            try FileManager.default.createDirectory(atPath: folder + "/" + execution, withIntermediateDirectories: true)
            let fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw RequesterError(.internalError, "cannot open the log of \(execution)") }
            defer { close(fd) }
            let written = bytes[skip...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count - skip else { throw RequesterError(.internalError, "cannot write the log of \(execution)") }
            return current + written
        }
    }

    /// The bytes of a log from `offset` (at most `limit`).
    func read(_ execution: String, _ stream: Stream, from offset: Int = 0, limit: Int = 1 << 20) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path(execution, stream)) else { return [] }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: UInt64(offset))
            return Array(try handle.read(upToCount: limit) ?? Data())
        } catch {
            return []
        }
    }

    // MARK: Retiring the files of ended executions

    /// The executions that have a live-log folder.
    func executionsWithLogs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// Removes the live logs of `execution` when it is done with them (see the type's
    /// overview); whether they are gone. Errors reading the store keep the files.
    @discardableResult
    func retireIfDone(_ execution: String, store: JobStore, repo: any BlockSource) -> Bool {
        guard FileManager.default.fileExists(atPath: folder + "/" + execution) else { return true }
        guard (try? isDone(execution, store: store, repo: repo)) == true else { return false }
        lock.withLock { _ in _ = try? FileManager.default.removeItem(atPath: folder + "/" + execution) }
        return !FileManager.default.fileExists(atPath: folder + "/" + execution)
    }

    /// Retires every live-log folder whose execution is done with it (on start, and when a job
    /// ends); returns the executions whose files were removed.
    @discardableResult
    func sweep(store: JobStore, repo: any BlockSource, only executions: Set<String>? = nil) -> [String] {
        executionsWithLogs().filter { executions?.contains($0) ?? true }.filter { retireIfDone($0, store: store, repo: repo) }
    }

    /// Whether the live logs of `id` are no longer needed: the execution is unknown, or it ended
    /// and either a later execution of its task exists or its reported outcome names a stored
    /// block for every stream it has live bytes of.
    func isDone(_ id: String, store: JobStore, repo: any BlockSource) throws -> Bool {
        guard let execution = try store.execution(id) else { return true }
        guard !execution.state.isActive else { return false }
        if try store.executions(job: execution.jobID, task: execution.taskID).last?.id != id { return true }
        return try isStored(execution, repo: repo)
    }

    /// Whether `execution` was reported with stdout/stderr blocks the requester holds for every
    /// stream it has live bytes of.
    func isStored(_ execution: ExecutionRecord, repo: any BlockSource) throws -> Bool {
        guard execution.state == .reported, let outcome = Self.outcome(of: execution) else { return false }
        for stream in Stream.allCases where size(execution.id, stream) > 0 {
            guard let cid = stream == .stdout ? outcome.stdout : outcome.stderr, try repo.has(cid) else { return false }
        }
        return true
    }

    /// The reported outcome of an execution, when it has a readable one.
    static func outcome(of execution: ExecutionRecord) -> StepOutcome? {
        guard let text = execution.outcome else { return nil }
        return try? PoolAPI.decoder.decode(StepOutcome.self, from: Data(text.utf8))
    }
}
