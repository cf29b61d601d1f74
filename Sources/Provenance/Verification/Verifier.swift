import IPLD

/// Checks every hash and signature on the lineage of a CID, trusting nothing it is given.
///
/// The verifier walks the same graph as ``Lineage`` and reports a ``VerificationFinding`` for
/// each check:
///
/// - **block**: every step and recipe block is fetched and re-hashed against its CID (a store
///   or peer that returns other bytes is caught), then decoded; missing → unverifiable, wrong
///   hash or undecodable → failed.
/// - **signature** and **signer**: every attestation the index lists for a step is fetched,
///   re-hashed and decoded; it must sign that step's CID with a valid Ed25519 signature (bad
///   signature → failed), by a key in ``trusted`` (an unknown signer → unverifiable). A step
///   with no attestation at all is unverifiable.
/// - **outputs**: an output must be listed by the step the index says produced it, and a cached
///   step must reuse exactly its original's recipe and outputs (otherwise failed).
/// - **data** (when ``checkData`` is on, the default): every block of every data DAG met on the
///   way (inputs, tools, outputs, stdout and stderr) is fetched and re-hashed.
/// - **depth**: a producing step left out by ``maxDepth`` is unverifiable, so a limited walk is
///   never reported as fully verified.
///
/// ```swift
/// let verifier = Verifier(source: store, index: index, trusted: [identity.didKey])
/// let report = try verifier.verify(modelCID)
/// print(report.text)                 // problems, counts, "verdict: verified"
/// ```
public struct Verifier: Sendable {
    public var source: any BlockSource
    public var index: any ProvenanceIndex
    /// The keys whose attestations count; the local node's own key is normally one of them.
    public var trusted: Set<DIDKey>
    /// Whether to re-hash every block of the data DAGs too, not only the provenance blocks.
    public var checkData: Bool
    /// How many generations of steps to check (see ``Lineage/walk(from:source:index:maxDepth:)``).
    public var maxDepth: Int?

    public init(
        source: any BlockSource, index: any ProvenanceIndex, trusted: Set<DIDKey>,
        checkData: Bool = true, maxDepth: Int? = nil
    ) {
        self.source = source
        self.index = index
        self.trusted = trusted
        self.checkData = checkData
        self.maxDepth = maxDepth
    }

    /// Verifies the lineage of `cid` (data, a step, a recipe or an attestation).
    ///
    /// - Throws: only what the index throws; every problem with blocks is a finding.
    public func verify(_ cid: CID) throws -> VerificationReport {
        let graph = try Lineage.walk(from: cid, source: source, index: index, maxDepth: maxDepth)
        var findings: [VerificationFinding] = []
        var data = DataDAGCheck(source: source)
        for node in graph.nodes {
            switch node.kind {
            case .step:
                findings += blockFindings(node, kind: "step")
                if let step = node.step {
                    findings += try attestationFindings(step: node.cid)
                    findings += originalFindings(node.cid, step, in: graph)
                    if checkData {
                        for name in step.outputs.keys.sorted() { findings += data.check(step.outputs[name]!) }
                        findings += data.check(step.stdout) + data.check(step.stderr)
                    }
                }
            case .recipe:
                findings += blockFindings(node, kind: "recipe")
            case .data:
                findings += producerFindings(node, in: graph)
                if checkData { findings += data.check(node.cid) }
            }
        }
        return VerificationReport(root: cid, graph: graph, findings: findings)
    }

    // MARK: Checks

    /// The block check of a step or recipe node.
    func blockFindings(_ node: LineageGraph.Node, kind: String) -> [VerificationFinding] {
        switch node.state {
        case .ok, .unexplored:
            return [.init(.ok, .block, node.cid, "\(kind) block hashes to its CID and decodes")]
        case .missing(let reason):
            return [.init(.unverifiable, .block, node.cid, "\(kind) block missing: \(reason)")]
        case .invalid(let reason):
            return [.init(.failed, .block, node.cid, "\(kind): \(reason)")]
        case .raw:
            return []
        }
    }

    /// The attestation checks of one step.
    func attestationFindings(step: CID) throws -> [VerificationFinding] {
        let attestations = try index.attestations(of: step)
        guard !attestations.isEmpty else {
            return [.init(.unverifiable, .signature, step, "no attestation: nobody signed this step")]
        }
        return attestations.flatMap { check(attestation: $0, of: step) }
    }

    func check(attestation cid: CID, of step: CID) -> [VerificationFinding] {
        let attestation: Attestation
        switch BlockFetch.object(Attestation.self, cid, from: source) {
        case .success(let value): attestation = value
        case .failure(.missing(let reason)):
            return [.init(.unverifiable, .signature, cid, "attestation of step \(step) missing: \(reason)")]
        case .failure(let problem):
            return [.init(.failed, .signature, cid, "attestation of step \(step): \(problem.reason)")]
        }
        guard attestation.step == step else {
            return [.init(.failed, .signature, cid, "attestation listed for step \(step) signs another step, \(attestation.step)")]
        }
        guard let signer = try? attestation.signerKey() else {
            return [.init(.failed, .signature, cid, "signer '\(attestation.signer.prefix(80))' is not an Ed25519 did:key")]
        }
        guard signer.isValidSignature(attestation.sig.bytes, for: step.bytes) else {
            return [.init(.failed, .signature, cid, "bad signature: not a signature of step \(step) by \(signer)")]
        }
        let signed = VerificationFinding(.ok, .signature, cid, "valid signature of step \(step) by \(signer)")
        guard trusted.contains(signer) else {
            return [signed, .init(.unverifiable, .signer, cid, "signed by \(signer), which is not a trusted key (unknown signer)")]
        }
        return [signed, .init(.ok, .signer, cid, "signer \(signer) is trusted")]
    }

    /// A data node's link to its producing step: the step must list it among its outputs.
    func producerFindings(_ node: LineageGraph.Node, in graph: LineageGraph) -> [VerificationFinding] {
        if node.state == .unexplored {
            let limit = graph.maxDepth.map { " \($0)" } ?? ""
            return [.init(.unverifiable, .depth, node.cid, "producing step not checked (depth limit\(limit))")]
        }
        guard let edge = graph.edges(from: node.id).first(where: { $0.label == .producedBy }),
              let step = graph.node(edge.to)?.step
        else { return [] }
        let names = step.outputs.keys.sorted().filter { step.outputs[$0]?.v1 == node.cid.v1 }
        guard let name = names.first else {
            return [.init(.failed, .outputs, node.cid,
                          "output CID mismatch: step \(edge.to.cid) is indexed as its producer but does not list it among its outputs")]
        }
        return [.init(.ok, .outputs, node.cid, "output '\(name)' of step \(edge.to.cid)")]
    }

    /// A cached step must reuse its original's recipe and outputs exactly.
    func originalFindings(_ cid: CID, _ step: Step, in graph: LineageGraph) -> [VerificationFinding] {
        guard let original = step.original else { return [] }
        guard let reused = graph.node(.init(.step, original))?.step else { return [] }  // missing: reported there
        guard reused.recipe == step.recipe else {
            return [.init(.failed, .outputs, cid, "cached step names original \(original), which ran another recipe")]
        }
        guard reused.outputs == step.outputs else {
            return [.init(.failed, .outputs, cid, "output CID mismatch: cached step's outputs differ from those of its original \(original)")]
        }
        return [.init(.ok, .outputs, cid, "cached step reuses exactly the outputs of \(original)")]
    }
}

/// Re-hashes every block of data DAGs, each block once across the whole verification.
struct DataDAGCheck {
    let source: any BlockSource
    private var seen = Set<CID>()

    init(source: any BlockSource) { self.source = source }

    /// Findings for the DAG under `root`: one `ok` for the root when every new block checks
    /// out, and one finding per block that is missing, tampered or unreadable.
    mutating func check(_ root: CID) -> [VerificationFinding] {
        guard seen.insert(root.v1).inserted else { return [] }
        var problems: [VerificationFinding] = []
        var count = 0
        var stack = [root]
        while let cid = stack.popLast() {
            count += 1
            let block: Block
            switch BlockFetch.block(cid, from: source) {
            case .success(let value): block = value
            case .failure(.missing(let reason)):
                problems.append(.init(.unverifiable, .data, cid, "data block missing: \(reason) (under \(root))"))
                continue
            case .failure(let problem):
                problems.append(.init(.failed, .data, cid, "data block \(problem.reason) (under \(root))"))
                continue
            }
            let links: [CID]
            do {
                links = try BlockLinks.of(block.bytes, codec: cid.codec)
            } catch {
                problems.append(.init(.unverifiable, .data, cid, "cannot read the links of this \(cid.codec) block: \(error)"))
                continue
            }
            for link in links.reversed() where seen.insert(link.v1).inserted { stack.append(link) }
        }
        if problems.isEmpty {
            return [.init(.ok, .data, root, "\(count) block\(count == 1 ? "" : "s") hash to their CIDs")]
        }
        return problems
    }
}
