import IPLD
import Testing
@testable import Provenance

struct VerifierTests {
    static func verifier(_ fixture: ProvenanceFixture, trusting keys: Set<DIDKey>? = nil, checkData: Bool = true,
                         maxDepth: Int? = nil) -> Verifier {
        Verifier(source: fixture.store, index: fixture.index, trusted: keys ?? [fixture.identity.didKey],
                 checkData: checkData, maxDepth: maxDepth)
    }

    /// The findings that are not ok, as (status, check, cid) for exact comparison.
    static func problems(_ report: VerificationReport) -> [String] {
        report.findings.filter { $0.status != .ok }.map { "\($0.status) \($0.check) \($0.cid)" }
    }

    @Test func anUntouchedDiamondIsVerified() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let report = try Self.verifier(fixture).verify(d.model)
        #expect(report.verdict == .verified)
        #expect(Self.problems(report) == [])
        // Every step's block, signature and signer; every recipe's block; every output link.
        let steps = [d.join.step, d.left.step, d.prep.step, d.right.step]
        for step in steps {
            #expect(report.findings.contains { $0.check == .block && $0.cid == step })
        }
        #expect(report.findings.filter { $0.check == .signature }.count == 4)
        #expect(report.findings.filter { $0.check == .signer }.count == 4)
        #expect(report.findings.filter { $0.check == .block }.count == 8)
        #expect(report.findings.filter { $0.check == .outputs }.map(\.cid)
                == [d.model, d.left.outputs["l"]!, d.clean, d.right.outputs["r"]!])
        #expect(report.text.hasSuffix("verdict: verified\n"))
    }

    @Test func aTamperedStepBlockFails() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        var bytes = try fixture.store.block(d.left.step)
        let task = Array("left".utf8)
        let at = try #require(bytes.indices.first { Array(bytes[$0..<min($0 + 4, bytes.count)]) == task })
        bytes.replaceSubrange(at..<at + 4, with: Array("LEFT".utf8))
        fixture.store.corrupt(d.left.step, with: bytes)
        let report = try Self.verifier(fixture).verify(d.model)
        #expect(report.verdict == .failed)
        let finding = try #require(report.findings.first { $0.cid == d.left.step && $0.check == .block })
        #expect(finding.status == .failed)
        #expect(finding.reason == "step: block does not hash to its CID (tampered or corrupt)")
        #expect(report.text.contains("FAILED block \(d.left.step): "))
        #expect(!report.text.contains("verdict: verified"))
    }

    @Test func anAttestationSignedByAnotherKeyButClaimingOursFails() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let forger = ProvenanceFixture.identity(seed: 66)
        var forged = try Attestation(signing: d.prep.step, with: forger)
        forged.signer = fixture.identity.didKey.string
        let block = try forged.block()
        try fixture.store.put(block)
        try fixture.index.recordAttestation(block.cid, of: d.prep.step)
        let report = try Self.verifier(fixture).verify(d.model)
        #expect(report.verdict == .failed)
        #expect(Self.problems(report) == ["failed signature \(block.cid)"])
        let finding = report.findings.first { $0.cid == block.cid }
        #expect(finding?.reason == "bad signature: not a signature of step \(d.prep.step) by \(fixture.identity.didKey)")
    }

    @Test func anAlteredSignatureFails() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        var attestation = try Attestation(block: Block(cid: d.join.attestation, verifying: fixture.store.block(d.join.attestation)))
        attestation.sig.bytes[63] ^= 0x01
        let block = try attestation.block()
        try fixture.store.put(block)
        // Replace the step's only attestation with the altered one.
        let index = MemoryProvenanceIndex()
        for recorded in [d.prep, d.left, d.right, d.join] {
            let step = try Step(block: Block(cid: recorded.step, verifying: fixture.store.block(recorded.step)))
            let attestations = recorded.step == d.join.step ? [block.cid] : [recorded.attestation]
            try index.record(ProvenanceIndexEntry(step: recorded.step, step, attestations: attestations))
        }
        let report = try Verifier(source: fixture.store, index: index, trusted: [fixture.identity.didKey]).verify(d.model)
        #expect(report.verdict == .failed)
        #expect(Self.problems(report) == ["failed signature \(block.cid)"])
    }

    @Test func anAttestationOfAnotherStepFails() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        try fixture.index.recordAttestation(d.left.attestation, of: d.right.step)
        let report = try Self.verifier(fixture).verify(d.model)
        #expect(report.verdict == .failed)
        let finding = try #require(report.findings.first { $0.status == .failed })
        #expect(finding.cid == d.left.attestation)
        #expect(finding.reason.contains("signs another step"))
    }

    @Test func anUnknownSignerIsUnverifiable() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let stranger = ProvenanceFixture.identity(seed: 99).didKey
        let report = try Self.verifier(fixture, trusting: [stranger]).verify(d.model)
        #expect(report.verdict == .unverifiable)
        #expect(report.findings(.failed).isEmpty)
        let unknown = report.findings(.unverifiable)
        #expect(unknown.map(\.check) == [.signer, .signer, .signer, .signer])
        #expect(unknown.map(\.cid) == [d.join.attestation, d.left.attestation, d.prep.attestation, d.right.attestation])
        #expect(unknown[0].reason == "signed by \(fixture.identity.didKey), which is not a trusted key (unknown signer)")
        // The signatures themselves were valid.
        #expect(report.findings.filter { $0.check == .signature }.allSatisfy { $0.status == .ok })
    }

    @Test func aStepNobodySignedIsUnverifiable() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let index = MemoryProvenanceIndex()
        for recorded in [d.prep, d.left, d.right, d.join] {
            let step = try Step(block: Block(cid: recorded.step, verifying: fixture.store.block(recorded.step)))
            try index.record(ProvenanceIndexEntry(step: recorded.step, step,
                                                  attestations: recorded.step == d.left.step ? [] : [recorded.attestation]))
        }
        let report = try Verifier(source: fixture.store, index: index, trusted: [fixture.identity.didKey]).verify(d.model)
        #expect(report.verdict == .unverifiable)
        #expect(Self.problems(report) == ["unverifiable signature \(d.left.step)"])
        #expect(report.findings(.unverifiable)[0].reason == "no attestation: nobody signed this step")
    }

    @Test func missingBlocksAreUnverifiableNotVerified() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        fixture.store.remove(d.prep.recipe)
        let report = try Self.verifier(fixture).verify(d.model)
        #expect(report.verdict == .unverifiable)
        #expect(Self.problems(report) == ["unverifiable block \(d.prep.recipe)"])
        #expect(report.findings(.unverifiable)[0].reason == "recipe block missing: block not found")

        fixture.store.remove(d.join.attestation)
        let again = try Self.verifier(fixture).verify(d.model)
        #expect(Self.problems(again) == ["unverifiable signature \(d.join.attestation)", "unverifiable block \(d.prep.recipe)"])
    }

    @Test func dataDAGsAreRehashedBlockByBlock() throws {
        let fixture = ProvenanceFixture()
        let input = fixture.dagPB(seed: 500)
        let recorded = try fixture.record(task: "t", inputs: ["in": input.root], outputs: ["out"], seed: 600)
        #expect(try Self.verifier(fixture).verify(recorded.step).verdict == .verified)
        let dataFinding = try Self.verifier(fixture).verify(recorded.step).findings.first { $0.cid == input.root }
        #expect(dataFinding?.reason == "3 blocks hash to their CIDs")

        fixture.store.corrupt(input.leaves[1], with: [1, 2, 3])
        let tampered = try Self.verifier(fixture).verify(recorded.step)
        #expect(tampered.verdict == .failed)
        #expect(Self.problems(tampered) == ["failed data \(input.leaves[1])"])

        fixture.store.remove(input.leaves[1])
        let missing = try Self.verifier(fixture).verify(recorded.step)
        #expect(missing.verdict == .unverifiable)
        #expect(Self.problems(missing) == ["unverifiable data \(input.leaves[1])"])

        // With data checks off, only provenance is checked.
        let provenanceOnly = try Self.verifier(fixture, checkData: false).verify(recorded.step)
        #expect(provenanceOnly.verdict == .verified)
        #expect(!provenanceOnly.findings.contains { $0.check == .data })
    }

    @Test func anOutputItsStepDoesNotListFails() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let stray = fixture.data(seed: 777)
        try fixture.index.record(ProvenanceIndexEntry(step: d.prep.step, recipe: d.prep.recipe, outputs: [stray],
                                                      attestations: [], memoizable: false))
        let report = try Self.verifier(fixture).verify(stray)
        #expect(report.verdict == .failed)
        #expect(Self.problems(report) == ["failed outputs \(stray)"])
        #expect(report.findings(.failed)[0].reason.hasPrefix("output CID mismatch"))
    }

    @Test func aCachedStepMustReuseItsOriginalsOutputs() throws {
        let fixture = ProvenanceFixture()
        let corpus = fixture.data(seed: 1)
        let original = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: ["clean"], seed: 10)
        let honest = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: [], seed: 0,
                                        outputs: original.outputs, cachedFrom: original.step)
        let report = try Self.verifier(fixture).verify(honest.step)
        #expect(report.verdict == .verified)
        #expect(report.findings.contains { $0.check == .outputs && $0.cid == honest.step && $0.status == .ok })

        let liar = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: [], seed: 0,
                                      outputs: ["clean": fixture.data(seed: 4242)], cachedFrom: original.step)
        let lying = try Self.verifier(fixture).verify(liar.step)
        #expect(lying.verdict == .failed)
        #expect(Self.problems(lying) == ["failed outputs \(liar.step)"])
    }

    @Test func aDepthLimitedVerificationIsNeverFullyVerified() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let report = try Self.verifier(fixture, maxDepth: 1).verify(d.model)
        #expect(report.verdict == .unverifiable)
        #expect(Self.problems(report) == ["unverifiable depth \(d.left.outputs["l"]!)", "unverifiable depth \(d.right.outputs["r"]!)"])
        #expect(report.findings(.unverifiable)[0].reason == "producing step not checked (depth limit 1)")
    }

    @Test func nothingCheckedIsNotVerified() throws {
        let fixture = ProvenanceFixture()
        let report = try Self.verifier(fixture, checkData: false).verify(fixture.data(seed: 3))
        #expect(report.findings.isEmpty)
        #expect(report.verdict == .unverifiable)
    }

    @Test func reportsAreOneLinePerProblem() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        fixture.store.remove(d.prep.recipe)
        let report = try Self.verifier(fixture).verify(d.model)
        #expect(report.text == """
            UNVERIFIABLE block \(d.prep.recipe): recipe block missing: block not found
            \(report.findings(.ok).count) checks passed, 0 failed, 1 unverifiable
            verdict: unverifiable

            """)
        #expect(report.document.verdict == .unverifiable)
    }
}
