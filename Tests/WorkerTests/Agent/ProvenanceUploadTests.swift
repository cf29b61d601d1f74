import BlockStore
import Foundation
import IPLD
import Orchestrator
import Provenance
import Testing

@testable import Worker

@Suite(.enabled(if: canSandbox, "the sandbox needs root"))
struct ProvenanceUploadTests {
    /// The blocks of a CAR, by CID, and its roots.
    static func read(_ path: String) throws -> (roots: [CID], blocks: Set<CID>) {
        let reader = try CARReader(path: path)
        var blocks = Set<CID>()
        while let section = try reader.next() {
            #expect(section.cid.verifies(section.bytes))
            blocks.insert(section.cid)
        }
        return (reader.roots, blocks)
    }

    @Test func aStepsCARHoldsItsProvenanceBlocksAndLogsButNotItsOutputs() async throws {
        let world = try ExecutorWorld()
        let input = try world.addFile("in.txt", "private-looking input\n")
        let outcome = await world.executor.execute(
            try world.assignment(["sh", "-c", "cat /inputs/x > /outputs/out/copy; echo done"], inputs: ["x": input]))
        #expect(outcome.status == .succeeded, "\(outcome)")
        let path = world.folder.file("step.car")
        #expect(try ProvenanceUpload.writeCAR(for: outcome, repo: world.repo, index: world.store.provenanceIndex, to: path) != nil)
        let car = try Self.read(path)
        #expect(Set(car.roots) == [outcome.stdout!, outcome.stderr!])
        #expect(car.blocks.isSuperset(of: [outcome.recipe, outcome.step!, outcome.attestation!, outcome.stdout!, outcome.stderr!]))
        #expect(!car.blocks.contains(input))
        #expect(!car.blocks.contains(outcome.outputs["out"]!))
    }

    @Test func aCachedStepAlsoCarriesTheOriginalItLinks() async throws {
        let world = try ExecutorWorld()
        let assignment = try world.assignment(["sh", "-c", "echo same > /outputs/out/f"])
        let first = await world.executor.execute(assignment)
        let again = await world.executor.execute(try world.assignment(["sh", "-c", "echo same > /outputs/out/f"], task: "again"))
        #expect(again.status == .cached)
        let path = world.folder.file("cached.car")
        _ = try ProvenanceUpload.writeCAR(for: again, repo: world.repo, index: world.store.provenanceIndex, to: path)
        let car = try Self.read(path)
        #expect(car.blocks.isSuperset(of: [again.step!, again.attestation!, first.step!, first.attestation!]))
    }

    @Test func anOutcomeWithoutAStepHasNothingToUpload() throws {
        let world = try ExecutorWorld()
        let assignment = try world.assignment(["true"])
        let outcome = StepOutcome.unrecorded(assignment, status: .failed, reason: .internalError, message: "no fetch")
        #expect(try ProvenanceUpload.writeCAR(for: outcome, repo: world.repo, index: world.store.provenanceIndex, to: world.folder.file("x.car")) == nil)
    }
}
