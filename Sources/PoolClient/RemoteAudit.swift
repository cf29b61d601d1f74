import Foundation
import IPLD
import PoolAPI
import Provenance

/// `shoal verify CID --requester URL`: checks a pool result's lineage **here**, trusting the
/// requester for nothing it could fake.
///
/// The requester is asked only where things are: its lineage document names the step and
/// recipe CIDs on the walk, and its verification report names the attestation CIDs. Every one
/// of those blocks is then fetched from its gateway (`?format=raw`) and re-hashed against its
/// CID; attestations are matched to steps by the step each one signs (read from the signed
/// block, not from the requester); and the local ``Provenance/Verifier`` checks every hash and
/// Ed25519 signature, trusting the keys of the pool's nodes (`GET /api/v1/nodes`) and any keys
/// given. A requester that hides a block or an attestation makes the verdict unverifiable; it
/// cannot make a forged step pass. Data DAGs (inputs, outputs) are not downloaded: their
/// blocks stay on the pool.
public struct RemoteAudit: Sendable {
    public let client: PoolClient

    public init(client: PoolClient) {
        self.client = client
    }

    /// What a remote verification found, and what it rested on.
    public struct Result: Sendable {
        public var report: VerificationReport
        /// The keys whose signatures counted.
        public var trusted: [DIDKey]
        /// Provenance blocks fetched and checked.
        public var blocks: Int
    }

    /// Verifies the lineage of `cid` locally from blocks fetched through the requester.
    ///
    /// - Parameter trusting: keys to trust besides the pool's nodes (this node's own, say).
    /// - Throws: ``PoolClientError`` when the requester cannot be asked at all.
    public func verify(_ cid: CID, trusting extra: Set<DIDKey> = [], maxDepth: Int? = nil) async throws -> Result {
        let text = try await client.lineage(of: cid.string, format: "json", depth: maxDepth)
        let document: LineageGraph.Document
        do {
            document = try JSONDecoder().decode(LineageGraph.Document.self, from: Data(text.utf8))
        } catch {
            throw PoolClientError(.badResponse, "the lineage of \(cid) is not a lineage document: \(PoolClient.describe(decoding: error))")
        }
        let steps = document.nodes.filter { $0.kind == "step" }.compactMap { try? CID($0.cid) }
        let recipes = document.nodes.filter { $0.kind == "recipe" }.compactMap { try? CID($0.cid) }
        let candidates = await attestationCandidates(cid, excluding: Set(steps + recipes))

        let store = MemoryBlockstore()
        var fetched = 0
        for block in steps + recipes + candidates {
            guard let bytes = try? await client.block(block) else { continue }
            try store.put(Block(trusted: block, bytes: bytes))
            fetched += 1
        }
        let index = MemoryProvenanceIndex()
        var signatures: [CID: [CID]] = [:]
        for candidate in candidates {
            guard let bytes = try? store.block(candidate),
                  let attestation = try? Attestation(block: Block(trusted: candidate, bytes: bytes))
            else { continue }
            signatures[attestation.step, default: []].append(candidate)
        }
        // Steps that ran first, then cached ones: an output keeps the first step recorded for it.
        var decoded: [(cid: CID, step: Step)] = []
        for step in steps {
            guard let bytes = try? store.block(step), let value = try? Step(block: Block(trusted: step, bytes: bytes)) else { continue }
            decoded.append((step, value))
        }
        for (cid, step) in decoded.sorted(by: { !$0.step.isCached && $1.step.isCached }) {
            try index.record(ProvenanceIndexEntry(step: cid, step, attestations: signatures[cid] ?? []))
        }
        var trusted = extra
        for node in try await client.nodes() {
            if let key = try? DIDKey(node.id) { trusted.insert(key) }
        }
        let report = try Verifier(source: store, index: index, trusted: trusted, checkData: false, maxDepth: maxDepth).verify(cid)
        return Result(report: report, trusted: trusted.sorted { $0.string < $1.string }, blocks: fetched)
    }

    /// The CIDs the requester's own report names that may be attestations (checked when fetched).
    func attestationCandidates(_ cid: CID, excluding known: Set<CID>) async -> [CID] {
        struct Report: Decodable {
            struct Finding: Decodable {
                var check: String
                var cid: String
            }
            var findings: [Finding]
        }
        guard let text = try? await client.verify(cid.string),
              let report = try? JSONDecoder().decode(Report.self, from: Data(text.utf8))
        else { return [] }
        var seen = Set<CID>()
        return report.findings.filter { $0.check == "signature" || $0.check == "signer" }.compactMap { finding in
            guard let candidate = try? CID(finding.cid), !known.contains(candidate), seen.insert(candidate).inserted else { return nil }
            return candidate
        }
    }
}
