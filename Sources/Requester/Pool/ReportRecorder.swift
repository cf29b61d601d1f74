import BlockStore
import Foundation
import IPLD
import JobStore
import Orchestrator
import PoolAPI
import Provenance

/// Records a node's report of an execution, once.
///
/// Checks, in order: the execution exists (404) and the reporting node holds it (403); the
/// outcome names the execution's job, task and attempt (400); a success (`succeeded` or
/// `cached`) names its step (400) and that step block is on the requester (422: the node
/// uploads its provenance blocks and reports again, or sends them with the report), so every recorded output has a lineage
/// the requester can show and verify; the step names the same node, recipe and outputs as the
/// outcome (400 otherwise). A failure's step is checked when it was uploaded and not required.
/// Blocks the report carries (``ReportBlocks``, already checked against their CIDs) count as
/// uploaded: they are stored, with one flush to disk, only once every check above passed, and
/// before the outcome is recorded. Then the store decides (``JobStore/JobStore/reportExecution(_:node:outcome:at:)``):
/// recorded, a duplicate of the recorded outcome (200; nothing stored changes, but it is indexed
/// and announced again), or a conflict (409: the lease expired and the task went elsewhere, the
/// job was cancelled, another outcome was recorded). A recorded step is indexed for lineage in the same transaction (its outputs → the step, with the
/// attestation when its signature by that node checks out), and its outputs are added to the
/// node's pins, so downstream tasks are placed next to them.
struct ReportRecorder: Sendable {
    let store: JobStore
    let repo: Repo
    let registry: PoolRegistry

    enum Result: Sendable {
        case recorded(ExecutionRecord, StepOutcome, newBlocks: Int)
        /// The same outcome was recorded before. The step is indexed again (idempotent) and the
        /// caller announces it again: a first recording whose request failed after the store's
        /// write would otherwise leave its dispatcher waiting for ever.
        case duplicate(ExecutionRecord, StepOutcome, newBlocks: Int)
    }

    /// Records `outcome` of execution `id`, reported by `node`, with the blocks the report carried.
    func record(execution id: String, node: String, outcome: StepOutcome, blocks: ReportBlocks = .none) throws -> Result {
        guard let execution = try store.execution(id) else { throw RequesterError(.notFound, "no execution \(id)") }
        guard execution.node == node else { throw RequesterError(.forbidden, "execution \(id) is not held by this node") }
        guard outcome.jobID == execution.jobID, outcome.taskID == execution.taskID, outcome.attempt == execution.attempt else {
            throw RequesterError(.badRequest, "the outcome names \(outcome.jobID)/\(outcome.taskID)#\(outcome.attempt), but execution \(id) is \(execution.jobID)/\(execution.taskID)#\(execution.attempt)")
        }
        // An execution that takes no report any more answers 409 whatever the outcome brings
        // (a missing step included): that is what its worker must learn. The store checks again.
        if !execution.state.holdsLease && execution.state != .reported {
            throw RequesterError(.conflict, "execution \(id) takes no report: \(Self.refusal(execution.state, reason: execution.reason))")
        }
        let step = try checkedStep(outcome, node: node, blocks: blocks)
        // Stored before the outcome is recorded: a recorded step is always on disk.
        let newBlocks = try blocks.store(in: repo)
        var stored = outcome
        if stored.node == nil { stored.node = node }
        let text = String(decoding: try PoolAPI.encoder.encode(stored), as: UTF8.self)
        // Indexed in the transaction that records the outcome (or finds it a duplicate).
        let entry = step.map { indexEntry($0.cid, $0.value, attestation: outcome.attestation, node: node, blocks: blocks) }
        switch try store.reportExecution(id, node: node, outcome: text, index: entry) {
        case .recorded(let record):
            let outputs = outcome.outputs.values.map { NodePin(cid: $0, size: max(0, outcome.outputBytes) / Int64(max(1, outcome.outputs.count))) }
            if !outputs.isEmpty {
                registry.addPins(node, outputs)
            }
            return .recorded(record, stored, newBlocks: newBlocks)
        case .duplicate(let record):
            return .duplicate(record, stored, newBlocks: newBlocks)
        case .wrongNode:
            if let step { releasePins(of: step, attestation: outcome.attestation, blocks: blocks) }
            throw RequesterError(.forbidden, "execution \(id) is not held by this node")
        case .conflict(let record):
            if let step { releasePins(of: step, attestation: outcome.attestation, blocks: blocks) }
            throw RequesterError(.conflict, "execution \(id) takes no report: \(Self.refusal(record.state, reason: record.reason))")
        }
    }

    /// Unpins the step and attestation a report carried when the store did not record it (it
    /// lost a race with the lease's expiry or with another outcome after the first check).
    ///
    /// Only blocks no recorded step can rely on: the report's own step, pinned directly as
    /// `report`, when the provenance index knows nothing of it (a recorded step is indexed by
    /// its outputs), and its attestation. The recipe and log blocks stay pinned: another attempt
    /// of the same task shares the recipe, and many steps share an empty log. Unpinned blocks
    /// stay on disk until gc; a failure here only leaves them pinned, as before.
    private func releasePins(of step: (cid: CID, value: Step), attestation: CID?, blocks: ReportBlocks) {
        guard blocks.bytes(of: step.cid) != nil else { return }
        let index = store.provenanceIndex
        // A look-up that fails counts as "recorded": when in doubt, keep the pin.
        let recorded = step.value.outputs.values.contains { output in
            do { return try index.producingStep(of: output)?.v1 == step.cid.v1 } catch { return true }
        }
        // An output's first producer is the one indexed: a recorded step that made no new
        // output (cached, or none) is found under its recipe instead.
        let listed = (try? index.successfulSteps(of: step.value.recipe))?.contains { $0.v1 == step.cid.v1 } ?? true
        guard !recorded, !listed, (try? index.attestations(of: step.cid))?.isEmpty == true else { return }
        var cids = [step.cid]
        // Only an attestation of this very step: the report could name another step's, which a
        // recorded report pinned the same way, and gc would then take a recorded step's signature.
        if let attestation, let bytes = blocks.bytes(of: attestation),
           let value = try? Attestation(block: Block(trusted: attestation, bytes: bytes)), value.step.v1 == step.cid.v1 {
            cids.append(attestation)
        }
        for cid in cids {
            guard case .pinned(let pin)? = try? repo.pinStatus(cid), pin.mode == .direct, pin.name == ReportBlocks.pinName else { continue }
            _ = try? repo.unpin(cid)
        }
    }

    /// Why an execution in `state` takes no (other) report.
    static func refusal(_ state: ExecutionState, reason: String? = nil) -> String {
        switch state {
        case .lost: "its lease expired (\(reason ?? "lost")) and the task was queued again"
        case .returned: "it was handed back when the node left"
        case .cancelled: "its job was cancelled"
        case .reported: "another outcome was already recorded for it"
        case .unplaceable: "it was never placed"
        case .queued, .placed: "it was not claimed yet"
        case .assigned, .running: "it is still running"
        }
    }

    /// The step block of the outcome (from the report's blocks, else the store), checked against
    /// it: required for a success, and for another outcome only when the node sent it.
    private func checkedStep(_ outcome: StepOutcome, node: String, blocks: ReportBlocks) throws -> (cid: CID, value: Step)? {
        let succeeded = outcome.status == .succeeded || outcome.status == .cached
        guard let cid = outcome.step else {
            if succeeded { throw RequesterError(.badRequest, "a \(outcome.status.rawValue) outcome names no step: its outputs would have no lineage") }
            return nil
        }
        guard let bytes = blocks.bytes(of: cid) ?? (try? repo.block(cid)) else {
            if succeeded {
                throw RequesterError(
                    .unprocessable, "step \(cid) is not on the requester: send it with the report's blocks or upload its provenance blocks (POST /api/v1/blocks), then report again")
            }
            return nil
        }
        let step: Step
        do {
            step = try Step(block: Block(trusted: cid, bytes: bytes))
        } catch {
            throw RequesterError(.badRequest, "step \(cid) is not a readable step object: \(error)")
        }
        guard step.node == node else { throw RequesterError(.badRequest, "step \(cid) was made by \(step.node), not by this node") }
        guard step.recipe == outcome.recipe else { throw RequesterError(.badRequest, "step \(cid) ran recipe \(step.recipe), not \(outcome.recipe)") }
        if outcome.status == .succeeded || outcome.status == .cached {
            guard step.outputs == outcome.outputs else { throw RequesterError(.badRequest, "step \(cid) lists other outputs than the outcome") }
        }
        return (cid, step)
    }

    /// The lineage index entry of a step, with its attestation when it is valid and by `node`.
    private func indexEntry(_ cid: CID, _ step: Step, attestation: CID?, node: String, blocks: ReportBlocks) -> ProvenanceIndexEntry {
        var attestations: [CID] = []
        if let attestation, let bytes = blocks.bytes(of: attestation) ?? (try? repo.block(attestation)),
           let value = try? Attestation(block: Block(trusted: attestation, bytes: bytes)),
           value.step == cid, value.signer == node, (try? value.signatureIsValid()) == true
        {
            attestations.append(attestation)
        }
        return ProvenanceIndexEntry(step: cid, step, attestations: attestations)
    }
}
