import Foundation
import PoolAPI

/// What the agent was running, on disk, so a restart after a crash can clean up after it.
///
/// Each claimed execution gets `agent/executions/<id>.json` (its job, task and attempt) when it
/// starts; the file goes when the execution's report is settled. After a kill -9 the files
/// left name executions that died with the process: on the next start the agent removes their
/// partial log folders and the files themselves, whatever the requester says (it hands those
/// executions to `abandon`, or has already given them to another node). Scratch folders are
/// swept separately by process id (``WorkerHome/sweepAbandonedWork()``).
public struct ExecutionJournal: Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public var execution: String
        public var job: String
        public var task: String
        public var attempt: Int
    }

    public let home: WorkerHome
    public var folder: String { home.path + "/agent/executions" }

    public init(home: WorkerHome) {
        self.home = home
    }

    /// Records that `assignment` is running here.
    public func record(_ assignment: Assignment) {
        let entry = Entry(
            execution: assignment.execution, job: assignment.step.jobID, task: assignment.step.taskID,
            attempt: assignment.step.attempt)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        _ = FileManager.default.createFile(atPath: path(entry.execution), contents: data)
    }

    /// Forgets execution `id` (its report is settled).
    public func remove(_ id: String) {
        try? FileManager.default.removeItem(atPath: path(id))
    }

    /// The executions a previous process left behind.
    public func leftovers() -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            FileManager.default.contents(atPath: folder + "/" + name).flatMap { try? JSONDecoder().decode(Entry.self, from: $0) }
        }
    }

    /// Removes what the executions of a previous process left: their partial logs and entries.
    ///
    /// - Returns: the executions cleaned up.
    @discardableResult
    public func cleanUpLeftovers() -> [Entry] {
        let entries = leftovers()
        for entry in entries {
            try? FileManager.default.removeItem(atPath: home.logs(job: entry.job, task: entry.task, attempt: entry.attempt))
            remove(entry.execution)
        }
        return entries
    }

    func path(_ id: String) -> String {
        let safe = id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        return folder + "/" + String(safe) + ".json"
    }
}
