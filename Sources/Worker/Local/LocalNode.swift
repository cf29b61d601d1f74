import BlockStore
import Foundation
import IPLD
import JobStore
import Orchestrator
import Pipeline
import PoolClient
import Provenance
import Sandbox

/// This machine as a node: its store, job store, provenance index and identity, with the
/// questions the CLI asks of them (lineage, verify, export, plan, logs, runs).
///
/// ```swift
/// let node = try LocalNode(home: home)
/// print(try node.lineage(of: model).rendered(as: .tree))
/// let audit = try await node.verify(model, rerun: true)
/// ```
public struct LocalNode: Sendable {
    public let home: WorkerHome
    public let repo: Repo
    public let store: JobStore
    public let identity: NodeIdentity

    public init(home: String) throws {
        self.home = WorkerHome(home)
        repo = try Repo(home: home)
        store = try JobStore(home: home)
        identity = try NodeIdentity.loadOrCreate(home: home)
    }

    public var index: SQLiteProvenanceIndex { store.provenanceIndex }

    // MARK: Audit

    /// The lineage of `cid` back to raw data (`shoal lineage`).
    public func lineage(of cid: CID, maxDepth: Int? = nil) throws -> LineageGraph {
        try Lineage.walk(from: cid, source: repo, index: index, maxDepth: maxDepth)
    }

    /// What `shoal verify` found: every hash and signature on the lineage, and with `rerun` the
    /// outcome of running each step again.
    public struct Audit: Sendable {
        public var report: VerificationReport
        /// Empty unless re-run was asked for.
        public var reruns: [Rerun.Result]
        public var rerunRequested: Bool

        /// Whether everything checked out: verified, and every re-run reproduced.
        public var passed: Bool {
            report.verdict == .verified && reruns.allSatisfy { $0.outcome == .reproduced }
                && (!rerunRequested || !reruns.isEmpty)
        }
    }

    /// Verifies the lineage of `cid`, trusting this node's own key; with `rerun`, runs every
    /// re-runnable step again in the sandbox (cache off, nothing stored) and compares its outputs.
    ///
    /// - Throws: ``Sandbox/SandboxError`` (`featureMissing`) for `rerun` on a host that cannot sandbox.
    public func verify(_ cid: CID, rerun: Bool = false, maxDepth: Int? = nil) async throws -> Audit {
        if rerun { try await Sandbox.requireFeatures() }
        let report = try Verifier(source: repo, index: index, trusted: [identity.didKey], maxDepth: maxDepth).verify(cid)
        var reruns: [Rerun.Result] = []
        if rerun {
            let executor = StepExecutor(repo: repo, index: index, identity: identity, home: home)
            reruns = await Rerun.run(Rerun.candidates(in: report.graph), with: ExecutorRecipeRunner(executor: executor))
        }
        return Audit(report: report, reruns: reruns, rerunRequested: rerun)
    }

    /// What `shoal verify --requester URL` found: a pool result's lineage checked here, and with
    /// `rerun` the outcome of running each step again on this node.
    public struct PoolAudit: Sendable {
        public var remote: RemoteAudit.Result
        /// Empty unless re-run was asked for.
        public var reruns: [Rerun.Result]
        public var rerunRequested: Bool

        /// Whether everything checked out: verified, and every re-run reproduced.
        public var passed: Bool {
            Audit(report: remote.report, reruns: reruns, rerunRequested: rerunRequested).passed
        }
    }

    /// Verifies the lineage of a pool result here from blocks fetched through `client`'s
    /// requester (``PoolClient/RemoteAudit``), trusting the pool's nodes and this node; with
    /// `rerun`, runs each re-runnable step again in this node's sandbox (cache off, nothing
    /// recorded), fetching the tool and inputs it lacks through the requester
    /// (``PoolRecipeRunner``; the pins it takes for that are released at the end, and those an
    /// interrupted audit left are released first).
    ///
    /// - Throws: ``Sandbox/SandboxError`` (`featureMissing`) for `rerun` on a host that cannot
    ///   sandbox; ``PoolClient/PoolClientError`` when the requester cannot be asked.
    public func verify(_ cid: CID, through client: PoolClient, rerun: Bool = false, maxDepth: Int? = nil) async throws -> PoolAudit {
        if rerun { try await Sandbox.requireFeatures() }
        let remote = try await RemoteAudit(client: client).verify(cid, trusting: [identity.didKey], maxDepth: maxDepth)
        guard rerun else { return PoolAudit(remote: remote, reruns: [], rerunRequested: false) }
        try PoolRecipeRunner.releaseAbandonedPins(in: repo)
        let candidates = Rerun.candidates(in: remote.report.graph)
        let executor = StepExecutor(repo: repo, index: index, identity: identity, home: home)
        let runner = PoolRecipeRunner(executor: executor, client: client, steps: candidates)
        let reruns = await Rerun.run(candidates, with: runner)
        try runner.releasePins()
        return PoolAudit(remote: remote, reruns: reruns, rerunRequested: true)
    }

    /// An in-toto (DSSE, signed by this node) or PROV-JSON export (`shoal provenance export`).
    public func export(_ cid: CID, format: ProvenanceExport.Format, maxDepth: Int? = nil) throws -> String {
        try ProvenanceExport.export(cid, format: format, source: repo, index: index, signer: identity, maxDepth: maxDepth)
    }

    // MARK: Pipelines

    /// The plan of a spec with each task's recipe key and cache state where they can be known (`shoal plan`).
    public func plan(_ spec: PipelineSpec) throws -> PipelinePlan {
        var plan = try PipelinePlan(spec)
        try PlanCache.fill(&plan, spec: spec, source: repo, index: index)
        return plan
    }

    /// The plan of a spec for a home that may not exist yet: recipe keys are computed either way,
    /// but a home is neither created nor given an identity just to find there is no cache.
    public static func plan(_ spec: PipelineSpec, home: String) throws -> PipelinePlan {
        guard FileManager.default.fileExists(atPath: home + "/" + JobStore.fileName) else {
            var plan = try PipelinePlan(spec)
            try PlanCache.fill(&plan, spec: spec, source: MemoryBlockstore(), index: MemoryProvenanceIndex())
            return plan
        }
        var plan = try PipelinePlan(spec)
        try PlanCache.fill(&plan, spec: spec, source: try Repo(home: home), index: try JobStore(home: home).provenanceIndex)
        return plan
    }

    /// The runs in this home, newest first, with whether each is being run now (`shoal runs`).
    public func runs(limit: Int = 50) throws -> [RunSummary] {
        try store.jobs(limit: limit).map { job in
            let tasks = try store.tasks(of: job.id)
            let active = job.state == .running && RunLock.isHeld(home: home, job: job.id)
            return RunSummary(job: job, tasks: tasks, active: active)
        }
    }

    /// The report of one run.
    public func report(run prefix: String) throws -> RunReport {
        let id = try store.resolveJobID(prefix)
        return RunReport(job: try store.job(id), tasks: try store.tasks(of: id))
    }

    /// Where to read a task's stdout or stderr (`shoal logs RUN TASK`): the log file of its
    /// latest attempt while it runs or when it is kept, else the log the step recorded (a cached
    /// task's are its original's).
    public func logs(run prefix: String, task: String, stream: LogStream) throws -> LogSource {
        let id = try store.resolveJobID(prefix)
        let record: TaskRecord
        do {
            record = try store.task(job: id, id: task)
        } catch let error as JobStoreError where error.code == .notFound {
            let names = (try? store.tasks(of: id).map(\.id).joined(separator: ", ")) ?? ""
            throw WorkerError(.notFound, "run \(id) has no task '\(task)' (its tasks: \(names))")
        }
        if record.attempts > 0, record.state != .cached {
            let file = home.logs(job: id, task: task, attempt: record.attempts) + "/\(stream.rawValue).log"
            if FileManager.default.fileExists(atPath: file) { return .file(file) }
        }
        if let cid = stream == .stdout ? record.stdout : record.stderr { return .cid(cid) }
        throw WorkerError(.notFound, "task '\(task)' of run \(id) has no \(stream.rawValue) (it is \(record.state.rawValue))")
    }

    /// Writes a log to a file descriptor (standard output, say).
    public func write(_ source: LogSource, to fd: Int32) throws {
        switch source {
        case .cid(let cid):
            _ = try repo.unixfs.cat(cid, to: fd)
        case .file(let path):
            guard let input = FileHandle(forReadingAtPath: path) else {
                throw WorkerError(.io, "cannot read \(path)")
            }
            defer { try? input.close() }
            let output = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
            while let chunk = try input.read(upToCount: 1 << 16), !chunk.isEmpty { output.write(chunk) }
        }
    }
}

/// Which output stream of a task.
public enum LogStream: String, Sendable, Hashable, CaseIterable {
    case stdout, stderr
}

/// Where a log is: a file of a running or finished attempt, or a CID in the store.
public enum LogSource: Sendable, Hashable {
    case file(String)
    case cid(CID)
}

/// One line of `shoal runs`.
public struct RunSummary: Sendable, Hashable, Encodable {
    public var run: String
    public var name: String
    /// The stored state, or `interrupted` for a run left running by a process that is gone.
    public var state: String
    public var created: Date
    public var tasks: Int
    /// Tasks by state name.
    public var counts: [String: Int]
    public var reason: String?

    init(job: JobRecord, tasks: [TaskRecord], active: Bool) {
        run = job.id
        name = job.name
        state = job.state == .running && !active ? "interrupted" : job.state.rawValue
        created = job.created
        self.tasks = tasks.count
        counts = Dictionary(grouping: tasks, by: \.state.rawValue).mapValues(\.count)
        reason = job.reason
    }
}
