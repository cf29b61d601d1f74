import IPLD

/// One thing the verifier checked, and what it found.
public struct VerificationFinding: Sendable, Hashable, CustomStringConvertible, Encodable {
    /// The outcome of one check.
    public enum Status: String, Sendable, Hashable, Encodable {
        /// Checked and correct.
        case ok
        /// Checked and wrong: a tampered block, a bad signature, an output that does not match.
        case failed
        /// Could not be checked: a missing block, no attestation, a signer nobody trusts, a
        /// producing step left out by the depth limit.
        case unverifiable
    }

    /// What was checked.
    public enum Check: String, Sendable, Hashable, Encodable {
        /// A step or recipe block: present, hashing to its CID, decoding as the object expected.
        case block
        /// A step's attestations: present, signed over the step's CID with a valid signature.
        case signature
        /// The signer of a valid signature is one of the trusted keys.
        case signer
        /// An output is listed by the step said to produce it; a cached step reuses exactly its
        /// original's outputs.
        case outputs
        /// Every block of a data DAG (inputs, tool, outputs, logs) hashes to its CID.
        case data
        /// A step was not followed because of the depth limit.
        case depth
    }

    public var status: Status
    public var check: Check
    /// The CID the finding is about (a step, recipe, attestation, data root or data block).
    public var cid: CID
    /// One line saying what was found.
    public var reason: String

    public init(_ status: Status, _ check: Check, _ cid: CID, _ reason: String) {
        self.status = status
        self.check = check
        self.cid = cid
        self.reason = reason
    }

    /// `FAILED signature bafy…: bad signature by did:key:z6Mk…`.
    public var description: String {
        let label = switch status {
        case .ok: "ok"
        case .failed: "FAILED"
        case .unverifiable: "UNVERIFIABLE"
        }
        return "\(label) \(check.rawValue) \(cid): \(reason)"
    }

    enum CodingKeys: String, CodingKey { case status, check, cid, reason }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(check, forKey: .check)
        try container.encode(cid.string, forKey: .cid)
        try container.encode(reason, forKey: .reason)
    }
}

/// Everything `shoal verify` found on the walk from one CID, and the verdict.
public struct VerificationReport: Sendable, Hashable {
    /// The overall answer.
    public enum Verdict: String, Sendable, Hashable, Encodable {
        /// Every check passed and nothing was left unchecked.
        case verified
        /// At least one check failed.
        case failed
        /// Nothing failed, but something could not be checked (or nothing was checked at all).
        case unverifiable
    }

    /// The CID verification started from.
    public var root: CID
    /// The lineage walked.
    public var graph: LineageGraph
    /// Every finding, in walk order.
    public var findings: [VerificationFinding]

    /// `failed` if any finding failed, else `unverifiable` if any could not be checked (or there
    /// were no findings), else `verified`. Never `verified` while anything is in doubt.
    public var verdict: Verdict {
        if findings.contains(where: { $0.status == .failed }) { return .failed }
        if findings.isEmpty || findings.contains(where: { $0.status == .unverifiable }) { return .unverifiable }
        return .verified
    }

    /// The findings with one status.
    public func findings(_ status: VerificationFinding.Status) -> [VerificationFinding] {
        findings.filter { $0.status == status }
    }

    /// The human report: problems first, then a count of passed checks and the verdict.
    ///
    /// ```
    /// FAILED block bafy…: block does not hash to its CID (tampered or corrupt)
    /// UNVERIFIABLE signer bafy…: signed by did:key:z6Mk…, which is not a trusted key
    /// 14 checks passed, 1 failed, 1 unverifiable
    /// verdict: failed
    /// ```
    public var text: String {
        var lines = findings.filter { $0.status != .ok }.map(\.description)
        let ok = findings(.ok).count, failed = findings(.failed).count
        let unverifiable = findings(.unverifiable).count
        lines.append("\(ok) check\(ok == 1 ? "" : "s") passed, \(failed) failed, \(unverifiable) unverifiable")
        lines.append("verdict: \(verdict.rawValue)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `--json` document.
    public struct Document: Encodable, Sendable {
        public var root: String
        public var verdict: Verdict
        public var findings: [VerificationFinding]
    }

    public var document: Document {
        Document(root: root.string, verdict: verdict, findings: findings)
    }
}
