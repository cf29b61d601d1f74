import Testing
@testable import Pipeline

@Suite struct TemplateTests {
    @Test func splitsLiteralsAndPlaceholders() throws {
        let template = try Template(parsing: "--lr={{params.model.rate}} {{ inputs.data.v2.cid }}!")
        #expect(template.parts == [
            .literal("--lr="), .param(["model", "rate"]), .literal(" "), .inputCID("data.v2"), .literal("!"),
        ])
        #expect(!template.isLiteral)
        #expect(template.placeholders.count == 2)
    }

    @Test func textWithoutPlaceholdersIsLiteral() throws {
        let template = try Template(parsing: "echo } { }} done")
        #expect(template.parts == [.literal("echo } { }} done")])
        #expect(template.isLiteral)
    }

    @Test(arguments: ["{{foo}}", "{{params}}", "{{params.}}", "{{inputs.x}}", "{{inputs.x.path}}", "{{params.a b}}", "{{}}"])
    func rejectsUnknownPlaceholders(text: String) throws {
        let error = try #require(throws: PipelineError.self) { try Template(parsing: text) }
        #expect(error.code == .invalidTemplate)
        #expect(error.message.hasPrefix("unknown placeholder '"))
    }

    @Test func rejectsUnclosedPlaceholder() {
        #expect(throws: PipelineError(.invalidTemplate, "unclosed placeholder '{{params.x': \(Template.expected)")) {
            try Template(parsing: "a {{params.x")
        }
    }

    @Test func scanReportsEveryBadPlaceholder() {
        let pieces = Template.scan("{{a}} {{params.ok}} {{b}}")
        let failures = pieces.compactMap { if case .failure(let error) = $0 { error.message } else { nil } }
        #expect(failures.count == 2)
        #expect(failures.first?.contains("'{{a}}'") == true)
        #expect(failures.last?.contains("'{{b}}'") == true)
    }

    @Test func partsPrintCanonically() {
        #expect(Template.Part.param(["a", "b"]).description == "{{params.a.b}}")
        #expect(Template.Part.inputCID("x").description == "{{inputs.x.cid}}")
    }
}
