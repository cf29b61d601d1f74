import Foundation
import IPLD
import NIOCore
import Orchestrator
import PoolAPI
import Provenance
import Testing
@testable import Requester

/// A claim's answer, written around the stored assignments, reads back as the assignments.
@Suite struct ClaimAnswerTests {
    static func step(_ task: String, tool: CID? = nil) throws -> StepAssignment {
        let recipe = Recipe(tool: tool, run: ["echo", task], engine: Recipe.sandboxEngine, outputs: ["out"])
        return try StepAssignment(
            jobID: "J1", taskID: task, attempt: 2, recipe: recipe, outputs: ["out"], cache: true, parents: [],
            outputImport: OutputImport(cidVersion: 1, chunkSize: 1 << 18))
    }

    @Test func theBodyDecodesAsTheAssignmentsItWasWrittenFrom() throws {
        let tool = Block(bytes: Array("tool".utf8), codec: .raw).cid
        let expected = [
            Assignment(execution: "e1", leaseExpires: Date(timeIntervalSince1970: 1_800_000_000), step: try Self.step("a")),
            Assignment(
                execution: "e2", leaseExpires: Date(timeIntervalSince1970: 1_800_000_001), step: try Self.step("b", tool: tool),
                providers: [tool.string: ["http://127.0.0.1:9", "http://127.0.0.1:10"]]),
        ]
        let entries = try expected.map { assignment in
            ClaimAnswer.Entry(
                execution: assignment.execution, leaseExpires: assignment.leaseExpires, providers: assignment.providers,
                storedStep: String(decoding: try PoolAPI.encoder.encode(assignment.step), as: UTF8.self))
        }
        var body = try ClaimAnswer.body(entries)
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        #expect(try PoolAPI.decoder.decode([Assignment].self, from: Data(bytes)) == expected)
        // The same bytes an encoder would write, but for the key order of the last field.
        #expect(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSArray
            == JSONSerialization.jsonObject(with: PoolAPI.encoder.encode(expected)) as? NSArray)
    }

    @Test func noEntriesIsAnEmptyArray() throws {
        var body = try ClaimAnswer.body([])
        #expect(body.readString(length: body.readableBytes) == "[]")
    }
}
