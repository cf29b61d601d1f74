import BlockStore
import Foundation
import IPLD
import Orchestrator
import PoolAPI
import Provenance

/// The blocks that make a step's provenance outlive the worker: sent with the report when
/// small (``bundle(for:repo:index:maxBytes:)``), else written as one CAR for `POST /api/v1/blocks`.
///
/// For an outcome with a step, the CAR holds the recipe, step and attestation blocks (each on
/// its own: they link to the tool, inputs and outputs, which are not part of the upload), the
/// whole stdout and stderr DAGs, and for a cached step the original step and its attestations
/// (the cached step links it). The CAR's roots are the stdout and stderr DAGs, the only
/// complete DAGs in it; the requester records the provenance blocks from the report that follows
/// (which names the step, recipe and attestation). Outputs stay on the worker, pinned: peers
/// and the requester fetch them from its gateway when they need them.
enum ProvenanceUpload {
    /// The provenance blocks of `outcome` for ``PoolAPI/ExecutionReport/blocks``: the recipe,
    /// step and attestation (and a cached step's original step and its attestations), then every
    /// block of the stdout and stderr DAGs.
    ///
    /// - Returns: the blocks, `[]` when the outcome recorded no step, or `nil` when they hold
    ///   more than `maxBytes` (or more than ``PoolAPI/ExecutionReport/maxBlocks`` blocks): those
    ///   go up as a CAR first (``writeCAR(for:repo:index:to:)``).
    /// - Throws: a ``BlockStore/BlockStoreError`` when a block is missing or corrupt here.
    static func bundle(
        for outcome: StepOutcome, repo: Repo, index: any ProvenanceIndex, maxBytes: Int = ExecutionReport.maxBlockBytes
    ) throws -> [Block]? {
        guard let step = outcome.step else { return [] }
        var blocks: [Block] = []
        var seen = Set<CID>()
        var total = 0
        func add(_ cid: CID) throws -> Block? {
            guard seen.insert(cid).inserted else { return nil }
            let bytes = try repo.block(cid)
            guard cid.verifies(bytes) else { throw BlockStoreError(.corrupt, "provenance block \(cid) does not match its hash") }
            total += bytes.count
            let block = Block(trusted: cid, bytes: bytes)
            blocks.append(block)
            return block
        }
        for cid in singles(of: outcome, step: step, index: index) {
            _ = try add(cid)
        }
        // The log DAGs, depth first, given up as soon as they do not fit.
        var pending = [outcome.stdout, outcome.stderr].compactMap { $0 }.reversed().map { $0 }
        while let cid = pending.popLast() {
            guard total <= maxBytes, blocks.count <= ExecutionReport.maxBlocks else { return nil }
            guard cid.multihash.code != .identity, let block = try add(cid) else { continue }
            pending += try BlockLinks.of(block.bytes, codec: cid.codec).reversed()
        }
        return total <= maxBytes && blocks.count <= ExecutionReport.maxBlocks ? blocks : nil
    }

    /// The single provenance blocks of `outcome`: recipe, step, attestation, and for a cached
    /// step its original step and that step's attestations.
    private static func singles(of outcome: StepOutcome, step: CID, index: any ProvenanceIndex) -> [CID] {
        var singles = [outcome.recipe, step]
        if let attestation = outcome.attestation { singles.append(attestation) }
        if let original = outcome.original {
            singles.append(original)
            singles += (try? index.attestations(of: original)) ?? []
        }
        return singles
    }

    /// Writes the CAR of `outcome`'s provenance to `path`.
    ///
    /// - Returns: the number of blocks written, or `nil` when the outcome recorded no step.
    /// - Throws: a ``BlockStore/BlockStoreError`` when a block is missing or corrupt here.
    static func writeCAR(for outcome: StepOutcome, repo: Repo, index: any ProvenanceIndex, to path: String) throws -> Int? {
        guard let step = outcome.step else { return nil }
        let singles = singles(of: outcome, step: step, index: index)
        var roots: [CID] = []
        for log in [outcome.stdout, outcome.stderr].compactMap({ $0 }) where !roots.contains(log) { roots.append(log) }
        let writer = try CARWriter(path: path, roots: roots)
        var seen = Set<CID>()
        for cid in singles where seen.insert(cid).inserted {
            let bytes = try repo.block(cid)
            guard cid.verifies(bytes) else {
                throw BlockStoreError(.corrupt, "provenance block \(cid) does not match its hash")
            }
            try writer.write(cid: cid, bytes: bytes)
        }
        var count = seen.count
        for root in roots { count += try repo.exportCAR(root: root, into: writer) }
        try writer.finish()
        return count
    }
}
