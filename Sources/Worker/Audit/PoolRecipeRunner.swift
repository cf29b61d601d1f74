import BlockStore
import Foundation
import Gateway
import IPLD
import PoolClient
import Provenance
import Synchronization

/// The executor's side of `shoal verify CID --requester URL --rerun`: runs a pool step's
/// recipe again **here**, with the tool and inputs it read.
///
/// The steps to re-run come from a ``PoolClient/RemoteAudit`` (each one's recipe and recorded
/// step, fetched and checked here). Before a recipe runs, its tool and every input must be
/// whole in this node's store: what is not is fetched through the requester's trustless
/// gateway (`GET /ipfs/{cid}` as a CAR) with ``Gateway/BlockFetcher``, every block checked
/// against its CID, and pinned for the audit only (``releasePins()`` unpins what this runner
/// pinned; the blocks stay until `shoal gc`). The pins are named for the auditing process, so an
/// audit that was interrupted before releasing them is recognised, and the next audit releases
/// them (``releaseAbandonedPins(in:)``). The requester serves what was uploaded to it and
/// the outputs of steps; a dataset that lives only on the pool's nodes (compute-to-data) is not
/// sent to the requester for an audit, so such an input must be added or fetched here first, and
/// the re-run says so. Private data is never served at all.
///
/// ```swift
/// let runner = PoolRecipeRunner(executor: executor, client: client, steps: candidates)
/// let results = await Rerun.run(candidates, with: runner)
/// try runner.releasePins()
/// ```
public final class PoolRecipeRunner: RecipeRunner {
    public let executor: StepExecutor
    public let client: PoolClient
    /// The recorded step of each recipe to re-run, by recipe CID.
    let steps: [CID: Step]
    /// DAGs this runner pinned, unpinned by ``releasePins()``.
    private let pinned = Mutex<[CID]>([])

    /// The name of the pins an audit holds while it runs, naming this process:
    /// `verify --rerun (pid 4242)`.
    public static var pinName: String { "\(pinNamePrefix) (pid \(getpid()))" }
    static let pinNamePrefix = "verify --rerun"

    public init(executor: StepExecutor, client: PoolClient, steps: [Rerun.Candidate]) {
        self.executor = executor
        self.client = client
        self.steps = Dictionary(steps.map { ($0.recipeCID, $0.step) }, uniquingKeysWith: { first, _ in first })
    }

    public func run(_ recipe: Recipe, key: CID) async throws -> [String: CID] {
        guard let step = steps[key] else {
            throw WorkerError(.notFound, "recipe \(key) is not one of the steps this audit re-runs")
        }
        if let tool = recipe.tool { try await makeWhole(tool, what: "the tool") }
        for (name, cid) in recipe.inputs.sorted(by: { $0.key < $1.key }) {
            try await makeWhole(cid, what: "input '\(name)'")
        }
        return try await ExecutorRecipeRunner(executor: executor).run(recipe, as: step)
    }

    /// Unpins every DAG this runner pinned for the audit (gc may then reclaim its blocks).
    public func releasePins() throws {
        let cids = pinned.withLock { cids in
            defer { cids.removeAll() }
            return cids
        }
        for cid in cids { _ = try executor.repo.unpin(cid) }
    }

    /// Unpins what audits left pinned when they stopped before ``releasePins()`` (interrupted,
    /// killed): pins named for an audit whose process is gone, and those of audits from before
    /// pins named their process. The blocks stay until gc, as after a finished audit.
    ///
    /// - Returns: The CIDs unpinned.
    @discardableResult
    public static func releaseAbandonedPins(in repo: Repo) throws -> [CID] {
        var released: [CID] = []
        for pin in try repo.pins() {
            guard let name = pin.name, isAbandonedAuditPin(name) else { continue }
            _ = try repo.unpin(pin.cid)
            released.append(pin.cid)
        }
        return released
    }

    /// Whether `name` is the name of an audit pin whose process no longer runs.
    static func isAbandonedAuditPin(_ name: String) -> Bool {
        guard name.hasPrefix(pinNamePrefix) else { return false }
        let rest = name.dropFirst(pinNamePrefix.count)
        if rest.isEmpty { return true }  // named before pins named their process
        guard rest.hasPrefix(" (pid "), rest.hasSuffix(")"), let pid = pid_t(rest.dropFirst(6).dropLast()), pid > 0 else {
            return false  // someone's own pin that happens to start with the same words
        }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Makes the DAG under `cid` whole in the store: kept as it is when a recursive pin of its own
    /// holds it, otherwise fetched (only the blocks missing: a DAG already whole here costs a walk
    /// of it and no request) from the requester and pinned.
    ///
    /// The pin is looked up by CID (``BlockStore/Repo/recordedPin(_:)``), not with
    /// ``BlockStore/Repo/pinStatus(_:)``, which would walk every pinned DAG of this node to find
    /// an indirect pin.
    func makeWhole(_ cid: CID, what: String) async throws {
        let repo = executor.repo
        let own = try repo.recordedPin(cid)
        if own?.mode == .recursive { return }
        let pinIt = own == nil  // keep someone's direct pin as it is
        let requester = GatewayProvider(url: client.configuration.url, token: client.configuration.token, name: "requester")
        do {
            _ = try await BlockFetcher(repo: repo, client: client.blocks)
                .fetch(cid, from: [requester], pin: pinIt, pinName: Self.pinName)
        } catch {
            throw WorkerError(.notFound, """
                \(what) (\(cid)) is not whole here, and the requester did not supply it (\(error)); a dataset \
                kept only on the pool's nodes must be added or fetched here to re-run the steps that read it
                """)
        }
        if pinIt { pinned.withLock { $0.append(cid) } }
    }
}
