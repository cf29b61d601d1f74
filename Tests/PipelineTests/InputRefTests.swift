import Testing
@testable import Pipeline

@Suite struct InputRefTests {
    @Test func parsesBothForms() {
        #expect(InputRef(parsing: "inputs.corpus") == .pipelineInput("corpus"))
        #expect(InputRef(parsing: "dedupe.clean") == .taskOutput(task: "dedupe", output: "clean"))
        // Output names may hold dots; task ids cannot, so the first dot splits.
        #expect(InputRef(parsing: "train.model.bin") == .taskOutput(task: "train", output: "model.bin"))
        #expect(InputRef(parsing: "inputs.a.b") == .pipelineInput("a.b"))
    }

    @Test(arguments: ["corpus", ".x", "x.", "", "."])
    func rejectsTextWithoutTwoParts(text: String) {
        #expect(InputRef(parsing: text) == nil)
    }

    @Test func printsAsWrittenAndNamesItsProducer() {
        #expect(InputRef.pipelineInput("c").description == "inputs.c")
        #expect(InputRef.taskOutput(task: "t", output: "o").description == "t.o")
        #expect(InputRef.taskOutput(task: "t", output: "o").producingTask == "t")
        #expect(InputRef.pipelineInput("c").producingTask == nil)
    }
}
