import BlockStore
import Foundation
import Gateway
import IPLD
import Logging
import Orchestrator
import PoolAPI
import PoolClient
import Provenance

/// Carries one claimed assignment through: inputs, run, logs, provenance, report.
///
/// 1. **Inputs.** The tool and each input DAG this node pins is read locally (its size counts
///    as local bytes); any other is fetched with ``Gateway/BlockFetcher`` from the providers the
///    assignment names, best first, every block verified before it is stored, falling back to
///    the next provider on a bad or missing block, and pinned (it is now local, for this and
///    later steps). What came over the wire counts as fetched bytes. A DAG no provider can
///    supply fails the step with reason `error`.
/// 2. **Run.** The step runs through the ``StepRunning`` runner: ``StepExecutor`` in the
///    agent, exactly as in `shoal run` (memoization, staging, sandbox, outputs as pinned CIDs,
///    signed step). Meanwhile a ``LogShipper`` streams stdout and stderr to the requester.
/// 3. **Provenance.** The recipe, step and attestation blocks and the log DAGs go to the
///    requester (``ProvenanceUpload``), so lineage outlives the worker: inside the report when
///    they fit in ``PoolAPI/ExecutionReport/maxBlockBytes`` (one request per finished step),
///    else uploaded first as one CAR. Outputs stay here, pinned, and reach the requester's pin
///    list with the next heartbeat.
/// 4. **Report.** The outcome is reported until the requester answers
///    (``RequesterRetry``); 409 (the lease was lost and the task went elsewhere) drops it quietly;
///    413 for the carried blocks uploads them as a CAR and reports without them; 422 (the
///    requester lacks the step block, so the success would have no lineage: a requester that
///    predates carried blocks) uploads the provenance and reports again, a few times.
///
/// An execution cancelled by the requester or by a shutdown is not reported: the requester
/// already knows (it cancelled, or the agent leaves and hands the step back).
struct AssignmentRunner: Sendable {
    let repo: Repo
    let index: any ProvenanceIndex
    let runner: any StepRunning
    let home: WorkerHome
    let session: AgentSession
    let inventory: PinInventory
    let counters: InputCounters
    let journal: ExecutionJournal
    let table: ExecutionTable
    let fetcher: BlockFetcher
    let logger: Logger
    let outcomes: OutcomeCounters
    var logInterval: Duration = .milliseconds(500)

    /// What happened to an assignment, for logs and tests.
    enum Ending: Sendable, Hashable {
        /// The requester recorded the outcome (`duplicate` when it had it already).
        case reported(StepOutcome.Status, duplicate: Bool)
        /// The lease was lost: the requester gave the task to another node.
        case leaseLost
        /// Stopped early (requester or shutdown); nothing reported.
        case stopped
        /// The requester refused the report for another reason.
        case refused(String)
    }

    @discardableResult
    func run(_ assignment: Assignment) async -> Ending {
        var reason: String?
        let ending = await run(assignment, reason: &reason)
        outcomes.count(ending, reason: reason)
        return ending
    }

    private func run(_ assignment: Assignment, reason: inout String?) async -> Ending {
        let id = assignment.execution
        journal.record(assignment)
        defer { journal.remove(id) }
        logger.info("execution \(id): \(assignment.step.label) starts")

        var outcome: StepOutcome
        if let failure = await stageInputs(assignment) {
            outcome = failure
        } else {
            outcome = await execute(assignment)
        }
        if outcome.status == .cancelled || Task.isCancelled {
            let reason = await table.stopReason(id)
            logger.info("execution \(id): stopped (\(reason.map { "\($0)" } ?? "cancelled")); not reported")
            return .stopped
        }
        outcome.node = outcome.node ?? session.node
        reason = outcome.reason
        let blocks = bundledProvenance(of: outcome, execution: id)
        if blocks == nil { await uploadProvenance(of: outcome, execution: id) }
        return await report(outcome, blocks: blocks ?? [], execution: id)
    }

    // MARK: Inputs

    /// Makes the tool and every input DAG local. Returns a failed outcome when one cannot be had.
    func stageInputs(_ assignment: Assignment) async -> StepOutcome? {
        let recipe = assignment.step.recipe
        var needed: [(label: String, cid: CID)] = []
        if let tool = recipe.tool { needed.append(("tool", tool)) }
        for name in recipe.inputs.keys.sorted() { needed.append(("input '\(name)'", recipe.inputs[name]!)) }
        for (label, cid) in needed {
            if Task.isCancelled { return nil }
            if inventory.holds(cid), let size = inventory.size(of: cid) {
                counters.addLocal(size)
                continue
            }
            let providers = Self.providers(for: cid, in: assignment.providers, session: session)
            do {
                let summary = try await fetcher.fetch(cid, from: providers, pin: true, pinName: "input of \(assignment.step.label)")
                counters.addFetched(Int64(summary.bytesFetched))
                if let size = inventory.size(of: cid) { counters.addLocal(max(0, size - Int64(summary.bytesFetched))) }
                if summary.bytesFetched > 0 {
                    logger.info("execution \(assignment.execution): fetched \(label) \(cid): \(summary.bytesFetched) bytes")
                }
            } catch is CancellationError {
                return nil
            } catch {
                if Task.isCancelled { return nil }
                let detail = providers.isEmpty ? "it is not here and no provider was named" : "\(error)"
                return .unrecorded(
                    assignment.step, status: .failed, reason: .internalError,
                    message: "cannot fetch \(label) \(cid): \(detail)", node: session.node)
            }
        }
        return nil
    }

    /// The providers named for `cid` (under its text as given, or as CIDv1), each with what it
    /// accepts: this node's current peer ticket, or its credential for the requester's gateway.
    static func providers(for cid: CID, in table: [String: [String]], session: AgentSession) -> [GatewayProvider] {
        let urls = table[cid.string] ?? table[cid.v1.string] ?? []
        return urls.map { GatewayProvider(url: $0, token: session.token(forProvider: $0)) }
    }

    // MARK: Running

    func execute(_ assignment: Assignment) async -> StepOutcome {
        let step = assignment.step
        let shipper = LogShipper(
            execution: assignment.execution, folder: home.logs(job: step.jobID, task: step.taskID, attempt: step.attempt),
            logger: logger, interval: logInterval) { [session] in session.nodeClient }
        return await withTaskGroup(of: StepOutcome?.self) { group in
            group.addTask {
                await shipper.run()
                return nil
            }
            let outcome = await runner.execute(step)
            shipper.finish()
            await group.waitForAll()
            return outcome
        }
    }

    // MARK: Reporting

    /// The provenance blocks to send with the report, or `nil` when they are too large to (or
    /// cannot be gathered: the CAR upload then says why).
    func bundledProvenance(of outcome: StepOutcome, execution: String) -> [Block]? {
        do {
            return try ProvenanceUpload.bundle(for: outcome, repo: repo, index: index)
        } catch {
            logger.warning("execution \(execution): cannot gather its provenance blocks for the report: \(error)")
            return nil
        }
    }

    func uploadProvenance(of outcome: StepOutcome, execution: String) async {
        let folder = home.path + "/cache/uploads"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/\(getpid())-\(UInt64.random(in: 0 ... .max)).car"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            guard try ProvenanceUpload.writeCAR(for: outcome, repo: repo, index: index, to: path) != nil else { return }
        } catch {
            logger.error("execution \(execution): cannot gather its provenance blocks: \(error)")
            return
        }
        let result = await RequesterRetry.run("execution \(execution): uploading provenance", logger: logger) {
            try await session.nodeClient.uploadBlocks(carFile: path)
        }
        if case .refused(let error) = result {
            logger.error("execution \(execution): the requester refused its provenance blocks: \(error)")
        }
    }

    /// How many times the provenance is uploaded again when the requester says it lacks the step.
    static let provenanceReuploads = 3

    /// Reports `outcome` with `blocks` until the requester answers. A 413 for the blocks, or a
    /// 422 (it does not hold the step block: an upload before was refused or lost, or the
    /// requester predates blocks in reports) uploads the provenance as a CAR and reports again
    /// without blocks, up to ``provenanceReuploads`` times.
    func report(_ outcome: StepOutcome, blocks: [Block] = [], execution: String) async -> Ending {
        var reuploads = 0
        var carried = blocks.isEmpty ? nil : blocks.map(ReportBlock.init)
        var result: RequesterRetry.Result<ReportResponse>
        while true {
            let body = ExecutionReport(outcome: outcome, blocks: carried)
            result = await RequesterRetry.run("execution \(execution): reporting \(outcome.status.rawValue)", logger: logger) {
                try await session.nodeClient.report(execution: execution, body)
            }
            guard case .refused(let error) = result, error.status == 422 || (error.status == 413 && carried != nil),
                  reuploads < Self.provenanceReuploads
            else { break }
            reuploads += 1
            if error.status == 413 {
                logger.warning("execution \(execution): the requester refused its provenance inside the report (\(error.message)); uploading it first")
            } else {
                logger.warning("execution \(execution): the requester lacks its step (\(error.message)); uploading the provenance again")
            }
            carried = nil
            await uploadProvenance(of: outcome, execution: execution)
        }
        switch result {
        case .done(let answer):
            logger.info("execution \(execution): \(outcome.status.rawValue) reported\(answer.duplicate ? " (again)" : "")")
            return .reported(outcome.status, duplicate: answer.duplicate)
        case .refused(let error) where error.code == .conflict:
            logger.info("execution \(execution): the lease was lost; the result is dropped")
            return .leaseLost
        case .refused(let error):
            logger.error("execution \(execution): the report was refused: \(error)")
            return .refused(error.description)
        case .stopped:
            return .stopped
        }
    }
}
