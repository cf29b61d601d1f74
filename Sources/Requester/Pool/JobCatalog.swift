import JobStore
import Orchestrator
import Pipeline
import Synchronization

/// The resolved specs of the jobs the pool runs, decoded once and kept: placement reads each
/// task's resources, locality, constraints and retries on every pass.
///
/// Only the jobs a drive runs are kept: ``open(_:)`` when the drive starts, ``forget(_:)`` when
/// it stops, however it stops (the job succeeded, failed or was cancelled, the drive failed, or
/// the requester is shutting down). A lookup for any other job (a late claim or placement pass
/// that read an execution just before its job ended) is answered from the store without being
/// kept, so nothing of an ended job stays in memory.
final class JobCatalog: Sendable {
    struct Entry: Sendable {
        var job: JobRecord
        var spec: PipelineSpec
    }

    let store: JobStore
    private struct State {
        /// The jobs being driven.
        var open: Set<String> = []
        var entries: [String: Entry] = [:]
    }
    private let state = Mutex(State())

    init(store: JobStore) {
        self.store = store
    }

    /// The job's record (as first read) and its spec.
    func entry(_ job: String) throws -> Entry {
        if let entry = state.withLock({ $0.entries[job] }) { return entry }
        let record = try store.job(job)
        let entry = Entry(job: record, spec: try StoredSpec.decode(record.spec, job: job))
        state.withLock { state in
            if state.open.contains(job) { state.entries[job] = entry }
        }
        return entry
    }

    /// Starts keeping the entry of a job a drive runs; `known` is its entry when the caller has
    /// it already (intake just stored the job and loaded its spec), so it is not read and loaded
    /// from the store again.
    func open(_ job: String, known: Entry? = nil) {
        state.withLock { state in
            state.open.insert(job)
            if let known, state.entries[job] == nil { state.entries[job] = known }
        }
    }

    /// The spec of one task.
    func task(job: String, id: String) throws -> TaskSpec {
        guard let task = try entry(job).spec.task(id) else {
            throw RequesterError(.notFound, "job \(job) has no task '\(id)'")
        }
        return task
    }

    /// The names of the task's inputs that read a pipeline input the spec marks `private: true`:
    /// data that never moves, whatever the nodes report about it.
    func privateInputNames(job: String, task id: String) throws -> Set<String> {
        let spec = try entry(job).spec
        guard let task = spec.task(id) else { throw RequesterError(.notFound, "job \(job) has no task '\(id)'") }
        var names: Set<String> = []
        for input in task.inputs {
            if case .pipelineInput(let source) = input.source, spec.input(named: source)?.isPrivate == true { names.insert(input.name) }
        }
        return names
    }

    /// Whether the job's entry is kept (tests: nothing of an ended job may stay).
    func holds(_ job: String) -> Bool { state.withLock { $0.entries[job] != nil || $0.open.contains(job) } }

    /// How many jobs are open or have an entry kept.
    var count: Int { state.withLock { $0.open.union($0.entries.keys).count } }

    /// Forgets a job whose drive stopped, and stops keeping its entry.
    func forget(_ job: String) {
        state.withLock { state in
            state.open.remove(job)
            state.entries[job] = nil
        }
    }
}
