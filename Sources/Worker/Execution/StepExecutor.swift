import BlockStore
import Foundation
import IPLD
import Orchestrator
import Provenance
import Sandbox

/// Runs one step: the single execution path of Shoal, used by `shoal run` in-process and by the
/// pool's worker agents alike.
///
/// For a ``Orchestrator/StepAssignment`` it:
/// 1. **memoizes**: unless the assignment forbids it, looks the recipe up in the provenance
///    index; when an earlier successful step ran it and its outputs are all here, records a
///    `cached: true` step linking that original, reuses its outputs, and runs nothing;
/// 2. **stages** the tool and inputs: each DAG is exported once to the home's export cache and
///    bind-mounted read-only (not copied per step);
/// 3. **runs** the command in the sandbox, with the recipe's limits and network policy, its env
///    and params file (`/inputs/.params.json`), streaming stdout and stderr to the attempt's log
///    files (`shoal logs RUN TASK` reads them while it runs);
/// 4. **judges** the run: a limit the sandbox hit is the reason (`timeout`, `memory`, `pids`,
///    `output-too-large`, …); exit 0 with a declared output empty is `missing-output`; an output
///    holding a symlink leading out of it, a device, FIFO or socket is `unsafe-output`;
/// 5. **records**: on success each output folder is added as a UnixFS CID (pinned), stdout and
///    stderr as files (pinned), and a step object (node did:key, job, task, times, parents,
///    usage) is written and signed with the node key, then indexed. A failed run records a step
///    with no outputs: nothing partial is ever recorded as a result.
///
/// The attempt's scratch folder is removed whatever happens. Everything the executor uses is
/// passed in (store, index, identity, home, configuration): no globals, so a worker agent can
/// run it unchanged.
///
/// ```swift
/// let executor = StepExecutor(repo: repo, index: store.provenanceIndex, identity: identity)
/// let outcome = await executor.execute(assignment)
/// print(outcome.status, outcome.outputs)
/// ```
public struct StepExecutor: Sendable {
    /// How steps are isolated, and how much of stderr a failure report keeps.
    public struct Configuration: Sendable, Hashable {
        /// ``Sandbox/SandboxIsolation/insecureNoSandbox`` only for debugging on hosts that cannot sandbox.
        public var isolation: SandboxIsolation
        public var userNamespace: UserNamespaceMode
        /// Lines of stderr kept in a failed outcome.
        public var stderrTailLines: Int

        public init(isolation: SandboxIsolation = .sandboxed, userNamespace: UserNamespaceMode = .auto, stderrTailLines: Int = 20) {
            self.isolation = isolation
            self.userNamespace = userNamespace
            self.stderrTailLines = stderrTailLines
        }
    }

    public let repo: Repo
    public let index: any ProvenanceIndex
    public let identity: NodeIdentity
    public let home: WorkerHome
    public let configuration: Configuration

    /// An executor storing into `repo`, indexing into `index` and signing as `identity`; scratch,
    /// logs and the export cache go in `home` (by default the repository's home).
    public init(
        repo: Repo, index: any ProvenanceIndex, identity: NodeIdentity, home: WorkerHome? = nil,
        configuration: Configuration = Configuration()
    ) {
        self.repo = repo
        self.index = index
        self.identity = identity
        self.home = home ?? WorkerHome(repo.home)
        self.configuration = configuration
    }

    /// The engine recorded in the recipe of a step run without isolation
    /// (``Sandbox/SandboxIsolation/insecureNoSandbox``): a different engine makes a different
    /// recipe, so such steps are never reused by sandboxed runs, nor the other way round, and
    /// their provenance says how they ran.
    public static let insecureEngine = "shoal-insecure/1"

    /// Runs (or reuses) one step and reports how it ended. Never throws: problems around the
    /// step (staging, storing) are failed outcomes with reason `error`; a cancelled task gives a
    /// cancelled outcome.
    ///
    /// Without isolation, the recipe's engine becomes ``insecureEngine`` (and the outcome
    /// reports that recipe).
    public func execute(_ assignment: StepAssignment) async -> StepOutcome {
        var assignment = assignment
        if configuration.isolation == .insecureNoSandbox, assignment.recipe.engine != Self.insecureEngine {
            var recipe = assignment.recipe
            recipe.engine = Self.insecureEngine
            do {
                assignment = try StepAssignment(
                    jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt, recipe: recipe,
                    outputs: assignment.outputs, cache: assignment.cache, parents: assignment.parents,
                    outputImport: assignment.outputImport)
            } catch {
                return failure(assignment, .internalError, "cannot encode the recipe: \(error)")
            }
        }
        if Task.isCancelled {
            return .unrecorded(assignment, status: .cancelled, reason: .cancelled, message: "cancelled before it started")
        }
        if assignment.cache {
            do {
                if let outcome = try reuse(assignment) { return outcome }
            } catch {
                return failure(assignment, .internalError, "memoization lookup failed: \(error)")
            }
        }
        return await run(assignment, recording: true)
    }

    /// Runs the step's command. With `recording` off, nothing is stored: outputs are only
    /// hashed (for `verify --rerun`), no step is written, and logs stay in the scratch folder.
    func run(_ assignment: StepAssignment, recording: Bool) async -> StepOutcome {
        let scratch = home.work + "/\(getpid())-\(assignment.jobID)-\(assignment.taskID)-\(assignment.attempt)-"
            + String(UInt32.random(in: 0 ... .max), radix: 36)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let started = Date()
        let cache = ExportCache(folder: home.exports, repo: repo)
        let cacheUse: ExportCache.Use
        do {
            // Held until the sandbox is gone, so `shoal gc` never prunes a mounted export.
            cacheUse = try cache.beginUse()
        } catch {
            return failure(assignment, .internalError, "\(error)")
        }
        defer { cacheUse.end() }
        let spec: SandboxSpec
        do {
            spec = try sandboxSpec(for: assignment, scratch: scratch, recording: recording, cache: cache)
        } catch {
            return failure(assignment, .internalError, "\(error)")
        }
        let result: SandboxResult
        do {
            result = try await Sandbox.run(spec)
        } catch {
            return failure(assignment, .launchFailed, "\(error)")
        }
        if result.reason == .cancelled {
            return .unrecorded(
                assignment, status: .cancelled, reason: .cancelled, message: "the run was cancelled", node: identity.didKey.string)
        }
        let judgement = judge(result, outputs: assignment.outputs, folder: spec.outputsDirectory ?? scratch)
        do {
            return try store(
                assignment, result: result, judgement: judgement, folder: spec.outputsDirectory ?? scratch,
                started: started, finished: Date(), recording: recording)
        } catch {
            return failure(assignment, .internalError, "cannot store the results: \(error)")
        }
    }

    /// A failed outcome that recorded nothing.
    func failure(_ assignment: StepAssignment, _ reason: StepFailure, _ message: String) -> StepOutcome {
        .unrecorded(assignment, status: .failed, reason: reason, message: message, node: identity.didKey.string)
    }
}
