import Foundation
import IPLD
import Provenance
import Testing
@testable import Orchestrator

struct StepAssignmentTests {
    static func assignment() throws -> StepAssignment {
        let recipe = Recipe(
            tool: testCID(1), run: ["python3", "train.py", "--rate", "1.0"], inputs: ["data": testCID(2)],
            params: ["rate": .float(1.0), "epochs": .int(5), "tags": .list([.string("a")])], env: ["MODE": "fast"],
            engine: Recipe.sandboxEngine, limits: ["memory": .int(1 << 20), "network": .string("none")])
        return try StepAssignment(
            jobID: "0000000001abcd", taskID: "train", attempt: 2, recipe: recipe, outputs: ["model", "metrics"], cache: true,
            parents: [testCID(3)], outputImport: OutputImport(cidVersion: 0, chunkSize: 1024))
    }

    @Test func itRoundTripsThroughJSONWithTheExactRecipe() throws {
        let original = try Self.assignment()
        let data = try JSONEncoder().encode(original)
        let decoded = try JSONDecoder().decode(StepAssignment.self, from: data)
        #expect(decoded == original)
        #expect(try decoded.recipe.cid() == original.recipeCID)
        // The float parameter stays a float (a JSON rendering of the recipe could turn 1.0 into 1).
        #expect(decoded.recipe.params["rate"] == .float(1.0))
        #expect(decoded.label == "0000000001abcd/train#2")
    }

    @Test func aRecipeBlockThatDoesNotMatchItsCIDIsRefused() throws {
        let data = try JSONEncoder().encode(try Self.assignment())
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["recipeCID"] = testCID(9).string
        let forged = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(StepAssignment.self, from: forged) }
        object["recipeCID"] = try Self.assignment().recipeCID.string
        object["recipeBlock"] = "bm90IGEgcmVjaXBl"
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(StepAssignment.self, from: try JSONSerialization.data(withJSONObject: object))
        }
    }
}
