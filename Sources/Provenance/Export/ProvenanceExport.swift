import IPLD

/// Provenance in the formats other tools read: in-toto attestations (SLSA provenance in a DSSE
/// envelope) and W3C PROV-JSON. What `shoal provenance export STEP --format …` prints.
///
/// ```swift
/// let envelope = try ProvenanceExport.inToto(step: stepCID, source: store, index: index, signer: identity)
/// print(envelope.jsonText)
/// print(try ProvenanceExport.provJSON(from: stepCID, source: store, index: index))
/// ```
///
/// Every block read is re-hashed against its CID; an export is never made from a block that
/// does not match.
public enum ProvenanceExport {
    /// The output formats of `shoal provenance export`.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case inToto = "in-toto"
        case provJSON = "prov-json"
    }

    /// The export of `cid` in `format`, as the text to print: a DSSE envelope signed by `signer`,
    /// or a PROV-JSON document of the lineage (to `maxDepth` generations, all by default).
    public static func export(
        _ cid: CID, format: Format, source: any BlockSource, index: any ProvenanceIndex,
        signer: NodeIdentity, maxDepth: Int? = nil
    ) throws -> String {
        switch format {
        case .inToto: try inToto(step: cid, source: source, index: index, signer: signer).jsonText
        case .provJSON: try provJSON(from: cid, source: source, index: index, maxDepth: maxDepth)
        }
    }

    /// The step a CID stands for: itself when it is a step, the step an attestation signs, or
    /// the step that produced it when it is an output.
    ///
    /// - Throws: ``ProvenanceError/Code/exportFailed`` when no step can be found.
    public static func resolveStep(_ cid: CID, source: any BlockSource, index: any ProvenanceIndex) throws -> CID {
        let root = try LineageWalker.classify(cid, source: source, index: index)
        switch root.kind {
        case .step: return root.cid
        case .data:
            if let step = try index.producingStep(of: cid) { return step }
            throw ProvenanceError(.exportFailed, "\(cid) is neither a step nor the output of a recorded step")
        case .recipe:
            throw ProvenanceError(.exportFailed, "\(cid) is a recipe; export one of the steps that ran it")
        }
    }

    /// Reads and checks a provenance object for an export.
    static func read<T: ProvenanceObject>(_ type: T.Type, _ cid: CID, from source: any BlockSource) throws -> T {
        switch BlockFetch.object(type, cid, from: source) {
        case .success(let object): return object
        case .failure(let problem):
            throw ProvenanceError(.exportFailed, "\(T.typeName) \(cid): \(problem.reason)")
        }
    }

    /// The lowercase hex of a CID's sha2-256 digest, or `nil` for another hash function.
    static func sha256Hex(_ cid: CID) -> String? {
        guard cid.multihash.code == .sha2_256 else { return nil }
        return cid.multihash.digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
