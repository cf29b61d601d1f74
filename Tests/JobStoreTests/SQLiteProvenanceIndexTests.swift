import IPLD
import ShoalTesting
import Provenance
import Testing
@testable import JobStore

/// The same rules ``MemoryProvenanceIndex`` is held to, for the SQLite index.
struct SQLiteProvenanceIndexTests {
    static func cid(_ seed: UInt64) -> CID { StoreFixture.cid(seed) }

    @Test func answersWhatWasRecorded() throws {
        let index = try StoreFixture().store.provenanceIndex
        let entry = ProvenanceIndexEntry(
            step: Self.cid(1), recipe: Self.cid(2), outputs: [Self.cid(3), Self.cid(4)], attestations: [Self.cid(5)],
            memoizable: true)
        try index.record(entry)
        #expect(try index.producingStep(of: Self.cid(3)) == Self.cid(1))
        #expect(try index.producingStep(of: Self.cid(4)) == Self.cid(1))
        #expect(try index.producingStep(of: Self.cid(9)) == nil)
        #expect(try index.attestations(of: Self.cid(1)) == [Self.cid(5)])
        #expect(try index.attestations(of: Self.cid(9)) == [])
        #expect(try index.successfulSteps(of: Self.cid(2)) == [Self.cid(1)])
    }

    @Test func recordingIsIdempotentAndTheFirstProducerStays() throws {
        let index = try StoreFixture().store.provenanceIndex
        let first = ProvenanceIndexEntry(
            step: Self.cid(1), recipe: Self.cid(2), outputs: [Self.cid(3)], attestations: [Self.cid(5)], memoizable: true)
        try index.record(first)
        try index.record(first)
        let rerun = ProvenanceIndexEntry(
            step: Self.cid(6), recipe: Self.cid(2), outputs: [Self.cid(3)], attestations: [Self.cid(7)], memoizable: true)
        try index.record(rerun)
        #expect(try index.producingStep(of: Self.cid(3)) == Self.cid(1))
        #expect(try index.attestations(of: Self.cid(1)) == [Self.cid(5)])
        #expect(try index.successfulSteps(of: Self.cid(2)) == [Self.cid(1), Self.cid(6)])
        try index.recordAttestation(Self.cid(8), of: Self.cid(1))
        try index.recordAttestation(Self.cid(8), of: Self.cid(1))
        #expect(try index.attestations(of: Self.cid(1)) == [Self.cid(5), Self.cid(8)])
    }

    @Test func onlyMemoizableEntriesAreCandidates() throws {
        let index = try StoreFixture().store.provenanceIndex
        try index.record(ProvenanceIndexEntry(
            step: Self.cid(1), recipe: Self.cid(2), outputs: [], attestations: [Self.cid(3)], memoizable: false))
        #expect(try index.successfulSteps(of: Self.cid(2)) == [])
        #expect(try index.attestations(of: Self.cid(1)) == [Self.cid(3)])
    }

    @Test func lookupsIgnoreTheCIDVersion() throws {
        let index = try StoreFixture().store.provenanceIndex
        let v0 = try CID("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")
        try index.record(ProvenanceIndexEntry(step: Self.cid(1), recipe: Self.cid(2), outputs: [v0], attestations: [], memoizable: false))
        #expect(try index.producingStep(of: v0.v1) == Self.cid(1))
        #expect(try index.producingStep(of: v0) == Self.cid(1))
    }

    @Test func theIndexSurvivesReopening() throws {
        let fixture = try StoreFixture()
        try fixture.store.provenanceIndex.record(ProvenanceIndexEntry(
            step: Self.cid(1), recipe: Self.cid(2), outputs: [Self.cid(3)], attestations: [Self.cid(4)], memoizable: true))
        let reopened = try JobStore(home: fixture.folder.path).provenanceIndex
        #expect(try reopened.producingStep(of: Self.cid(3)) == Self.cid(1))
        #expect(try reopened.successfulSteps(of: Self.cid(2)) == [Self.cid(1)])
    }

    @Test func theWriterRecordsThroughIt() throws {
        // The real writer on top of the SQLite index: lineage lookups find what it wrote.
        let fixture = try StoreFixture()
        let index = fixture.store.provenanceIndex
        let blocks = MemoryBlockstore()
        let identity = try NodeIdentity(seed: [UInt8](repeating: 3, count: 32))
        let writer = ProvenanceWriter(sink: blocks, index: index, identity: identity)
        let recipe = Recipe(tool: nil, run: ["true"], engine: Recipe.sandboxEngine)
        let step = Step(
            recipe: try recipe.cid(), outputs: ["out": Self.cid(20)], stdout: Self.cid(21), stderr: Self.cid(22), exitCode: 0,
            node: identity.didKey.string, job: "j", task: "t", started: "2025-01-01T00:00:00Z", finished: "2025-01-01T00:00:01Z")
        let written = try writer.write(recipe: recipe, step: step)
        #expect(try index.producingStep(of: Self.cid(20)) == written.step)
        #expect(try index.attestations(of: written.step) == [written.attestation])
        let hit = try Memoization.reusableStep(for: written.recipe, index: index, source: blocks)
        #expect(hit == nil)   // the output block itself is not in this store
        try blocks.put(Block(bytes: SplitMix64Bytes.of(20), codec: .raw))
        #expect(try Memoization.reusableStep(for: written.recipe, index: index, source: blocks)?.cid == written.step)
    }
}

/// The bytes behind ``StoreFixture/cid(_:)``.
enum SplitMix64Bytes {
    static func of(_ seed: UInt64) -> [UInt8] {
        SplitMix64.bytes(seed: seed, count: 32)
    }
}
