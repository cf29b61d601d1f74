import IPLD
import Testing
@testable import Provenance

struct MemoryProvenanceIndexTests {
    static func cid(_ seed: UInt64) -> CID { StepTests.cid(seed) }

    @Test func answersWhatWasRecorded() throws {
        let index = MemoryProvenanceIndex()
        let entry = ProvenanceIndexEntry(step: Self.cid(1), recipe: Self.cid(2), outputs: [Self.cid(3), Self.cid(4)],
                                         attestations: [Self.cid(5)], memoizable: true)
        try index.record(entry)
        #expect(try index.producingStep(of: Self.cid(3)) == Self.cid(1))
        #expect(try index.producingStep(of: Self.cid(4)) == Self.cid(1))
        #expect(try index.producingStep(of: Self.cid(9)) == nil)
        #expect(try index.attestations(of: Self.cid(1)) == [Self.cid(5)])
        #expect(try index.attestations(of: Self.cid(9)) == [])
        #expect(try index.successfulSteps(of: Self.cid(2)) == [Self.cid(1)])
    }

    @Test func recordingIsIdempotentAndTheFirstProducerStays() throws {
        let index = MemoryProvenanceIndex()
        let first = ProvenanceIndexEntry(step: Self.cid(1), recipe: Self.cid(2), outputs: [Self.cid(3)],
                                         attestations: [Self.cid(5)], memoizable: true)
        try index.record(first)
        try index.record(first)
        let rerun = ProvenanceIndexEntry(step: Self.cid(6), recipe: Self.cid(2), outputs: [Self.cid(3)],
                                         attestations: [Self.cid(7)], memoizable: true)
        try index.record(rerun)
        #expect(try index.producingStep(of: Self.cid(3)) == Self.cid(1))
        #expect(try index.attestations(of: Self.cid(1)) == [Self.cid(5)])
        #expect(try index.successfulSteps(of: Self.cid(2)) == [Self.cid(1), Self.cid(6)])
        try index.recordAttestation(Self.cid(8), of: Self.cid(1))
        try index.recordAttestation(Self.cid(8), of: Self.cid(1))
        #expect(try index.attestations(of: Self.cid(1)) == [Self.cid(5), Self.cid(8)])
    }

    @Test func onlyStepsThatRanAndSucceededAreMemoized() throws {
        var step = StepTests.step()
        #expect(ProvenanceIndexEntry(step: Self.cid(1), step, attestations: []).memoizable)
        step.exitCode = 1
        #expect(!ProvenanceIndexEntry(step: Self.cid(1), step, attestations: []).memoizable)
        step.exitCode = 0
        step.cached = true
        #expect(!ProvenanceIndexEntry(step: Self.cid(1), step, attestations: []).memoizable)
        step.cached = nil
        step.reason = "timeout"
        #expect(!ProvenanceIndexEntry(step: Self.cid(1), step, attestations: []).memoizable)
        let entry = ProvenanceIndexEntry(step: Self.cid(1), StepTests.step(), attestations: [])
        #expect(entry.outputs == [StepTests.cid(1), StepTests.cid(2)])
    }

    @Test func lookupsIgnoreTheCIDVersion() throws {
        let index = MemoryProvenanceIndex()
        let v0 = try CID("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")
        try index.record(ProvenanceIndexEntry(step: Self.cid(1), recipe: Self.cid(2), outputs: [v0],
                                              attestations: [], memoizable: false))
        #expect(try index.producingStep(of: v0.v1) == Self.cid(1))
        #expect(try index.successfulSteps(of: Self.cid(2)) == [])
    }
}
