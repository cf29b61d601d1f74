import BlockStore
import Foundation
import IPLD
import Orchestrator
import Provenance

/// The blocks that make a step's provenance outlive the worker, written as one CAR for
/// `POST /api/v1/blocks`.
///
/// For an outcome with a step, the CAR holds the recipe, step and attestation blocks (each on
/// its own: they link to the tool, inputs and outputs, which are not part of the upload), the
/// whole stdout and stderr DAGs, and for a cached step the original step and its attestations
/// (the cached step links it). The CAR's roots are the stdout and stderr DAGs, the only
/// complete DAGs in it; the requester records the provenance blocks from the report that follows
/// (which names the step, recipe and attestation). Outputs stay on the worker, pinned: peers
/// and the requester fetch them from its gateway when they need them.
enum ProvenanceUpload {
    /// Writes the CAR of `outcome`'s provenance to `path`.
    ///
    /// - Returns: the number of blocks written, or `nil` when the outcome recorded no step.
    /// - Throws: a ``BlockStore/BlockStoreError`` when a block is missing or corrupt here.
    static func writeCAR(for outcome: StepOutcome, repo: Repo, index: any ProvenanceIndex, to path: String) throws -> Int? {
        guard let step = outcome.step else { return nil }
        var singles = [outcome.recipe, step]
        if let attestation = outcome.attestation { singles.append(attestation) }
        if let original = outcome.original {
            singles.append(original)
            singles += (try? index.attestations(of: original)) ?? []
        }
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
