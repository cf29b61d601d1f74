import BlockStore
import Foundation
import JobStore
import Orchestrator
import Pipeline
import Provenance
import Sandbox

/// `shoal run`: a whole pipeline on this machine, with the coordinator and an in-process worker.
///
/// One call does it all, in an order that never leaves a mess behind bad input:
/// 1. loads and validates the spec (nothing is opened or stored before it is valid);
/// 2. checks the host can sandbox (``Sandbox/Sandbox/requireFeatures()``, remembered for the
///    boot once passed), unless told to run without isolation;
/// 3. adds tool folders and local inputs to the store and checks CID inputs
///    (``Orchestrator/JobPreparation``), then stores the job (``JobStore/JobStore``);
///    with `resume`, instead reloads the run and puts its failed, skipped and cancelled tasks back
///    to pending, with the finished ones whose results are no longer all in the store
///    (``Orchestrator/LostResults``) and their dependants;
/// 4. takes the run's lock and drives it with a ``Orchestrator/JobCoordinator`` and a
///    ``LocalDispatcher`` (tasks left running by a killed process run again);
/// 5. returns a ``RunReport``.
///
/// ```swift
/// let report = try await LocalRun.run(.spec("pipeline.yaml"), options: LocalRun.Options(home: home)) { event in
///     print(event.kind, event.taskID ?? "")
/// }
/// print(report.state, report.tasks.map(\.state))
/// ```
public enum LocalRun {
    /// What to run.
    public enum Source: Sendable, Hashable {
        /// A new run of the spec file at this path.
        case spec(String)
        /// Continue the run with this id (or a unique prefix of it).
        case resume(String)
    }

    public struct Options: Sendable {
        /// The node's home (`$SHOAL_HOME`).
        public var home: String
        /// Run every task even when its recipe already ran (`--no-cache`); ignored on resume.
        public var noCache: Bool
        /// Run everything that can run after a failure (`--keep-going`); ignored on resume.
        public var keepGoing: Bool
        /// Steps at once.
        public var concurrency: Int
        /// ``Sandbox/SandboxIsolation/insecureNoSandbox`` skips the host check and isolation (`--insecure-no-sandbox`).
        public var isolation: SandboxIsolation

        public init(
            home: String, noCache: Bool = false, keepGoing: Bool = false,
            concurrency: Int = ProcessInfo.processInfo.activeProcessorCount, isolation: SandboxIsolation = .sandboxed
        ) {
            self.home = home
            self.noCache = noCache
            self.keepGoing = keepGoing
            self.concurrency = concurrency
            self.isolation = isolation
        }
    }

    /// What happens along the way, for progress output.
    public enum Progress: Sendable {
        /// Local paths are being added: bytes read so far.
        case adding(bytes: UInt64)
        /// The run exists in the store and is about to be driven.
        case started(run: String, tasks: [String], resumed: Bool)
        /// An event of the run's log.
        case event(JobEvent)
        /// A task reached its end in this drive (after its event), with what it produced.
        case taskEnded(TaskRecord)
    }

    /// Runs (or resumes) a pipeline and reports how it ended.
    ///
    /// A run that fails is a report, not an error. Errors are for what stops a run from
    /// happening at all.
    ///
    /// - Throws: ``Sandbox/SandboxError`` (`featureMissing`) when the host cannot sandbox;
    ///   ``Pipeline/PipelineError`` for a spec that does not load;
    ///   ``Orchestrator/OrchestratorError`` for inputs that cannot be added or found;
    ///   ``JobStore/JobStoreError`` for an unknown run id; ``WorkerError`` (`runBusy`) when another
    ///   process is running it.
    public static func run(
        _ source: Source, options: Options, progress: (@Sendable (Progress) -> Void)? = nil
    ) async throws -> RunReport {
        // Exported tools and inputs must stay readable by the sandbox user whatever the caller's umask.
        umask(0o022)
        var spec: PipelineSpec?
        if case .spec(let path) = source { spec = try SpecLoader.load(contentsOf: URL(fileURLWithPath: path)) }
        if options.isolation == .sandboxed { try await SandboxPreflight.require(home: WorkerHome(options.home)) }

        // Blocks are made durable once, when the run settles (see LocalDispatcher), not before every pin.
        let repo = try Repo(home: options.home, options: Repo.Options(syncBeforePin: false))
        let store = try JobStore(home: options.home)
        let identity = try NodeIdentity.loadOrCreate(home: options.home)
        let home = WorkerHome(options.home)

        let id: String
        let resumed: Bool
        switch source {
        case .spec(let path):
            let prepared = try JobPreparation(repo: repo).prepare(spec!) { bytes in progress?(.adding(bytes: bytes)) }
            id = try prepared.submit(
                to: store, specFile: path, options: JobOptions(keepGoing: options.keepGoing, noCache: options.noCache)).id
            resumed = false
        case .resume(let prefix):
            id = try store.resolveJobID(prefix)
            resumed = true
        }
        let lock = try RunLock(home: home, job: id)
        if resumed {
            let job = try store.job(id)
            if job.state == .succeeded { return RunReport(job: job, tasks: try store.tasks(of: id)) }
            // A run's blocks are flushed when it settles; an unfinished run may have lost the
            // newest results to a crash, so those tasks (and what follows them) run again.
            try store.resetForRetry(job: id, redo: try LostResults.tasks(of: id, store: store, repo: repo))
        }
        home.sweepAbandonedWork()
        progress?(.started(run: id, tasks: try store.tasks(of: id).map(\.id), resumed: resumed))

        let executor = StepExecutor(
            repo: repo, index: store.provenanceIndex, identity: identity, home: home,
            configuration: StepExecutor.Configuration(isolation: options.isolation))
        var observer: (@Sendable (JobEvent) -> Void)?
        if let progress {
            observer = { event in
                progress(.event(event))
                guard let task = event.taskID, event.kind != .taskReset,
                      let record = try? store.task(job: id, id: task), record.state.isTerminal
                else { return }
                progress(.taskEnded(record))
            }
        }
        let coordinator = JobCoordinator(
            store: store, dispatcher: LocalDispatcher(executor: executor), concurrency: options.concurrency,
            node: identity.didKey.string, observer: observer)
        let job = try await coordinator.run(job: id)
        withExtendedLifetime(lock) {}
        return RunReport(job: job, tasks: try store.tasks(of: id))
    }
}
