import IPLD
import Testing
@testable import Provenance

struct ProvenanceObjectTests {
    static func retyped(_ block: Block, _ type: String) throws -> Block {
        var map = try block.decoded().map!
        map["type"] = .string(type)
        return try Block(dagCBOR: .map(map))
    }

    @Test func aStepIsNotARecipe() throws {
        let step = try StepTests.step().block()
        let error = #expect(throws: ProvenanceError.self) { try Recipe(block: step) }
        #expect(error?.code == .wrongObjectType)
        #expect(error?.description == "wrong object type: expected a shoal.recipe/1 object, found type 'shoal.step/1'")
        #expect(throws: ProvenanceError.self) { try Attestation(block: step) }
    }

    @Test func newerVersionsAreRefusedClearly() throws {
        let block = try Self.retyped(StepTests.step().block(), "shoal.step/2")
        let error = #expect(throws: ProvenanceError.self) { try Step(block: block) }
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.description == "unsupported version: object type 'shoal.step/2' is not supported; this Shoal reads shoal.step/1")
    }

    @Test func unknownTypesAreWrongTypes() throws {
        let block = try Self.retyped(RecipeTests.recipe().block(), "something/1")
        #expect((#expect(throws: ProvenanceError.self) { try Recipe(block: block) })?.code == .wrongObjectType)
        var map = try RecipeTests.recipe().block().decoded().map!
        map["type"] = nil
        let untyped = try Block(dagCBOR: .map(map))
        #expect((#expect(throws: IPLDError.self) { try Recipe(block: untyped) })?.code == .missingValue)
    }

    @Test func onlyDagCBORBlocksHoldObjects() throws {
        let json = try Block(encoding: RecipeTests.recipe(), codec: .dagJSON)
        let error = #expect(throws: ProvenanceError.self) { try Recipe(block: json) }
        #expect(error?.code == .invalidObject)
    }

    @Test func kindsAreRecognisedFromTheirTag() throws {
        #expect(ProvenanceObjectKind(of: try StepTests.step().block().decoded()) == .step)
        #expect(ProvenanceObjectKind(of: try RecipeTests.recipe().block().decoded()) == .recipe)
        #expect(ProvenanceObjectKind(of: ["type": "shoal.attestation/9"]) == .attestation)
        #expect(ProvenanceObjectKind(of: ["type": "shoal.stepper/1"]) == nil)
        #expect(ProvenanceObjectKind(of: ["kind": "shoal.step/1"]) == nil)
        #expect(ProvenanceObjectKind(of: "shoal.step/1") == nil)
    }
}
