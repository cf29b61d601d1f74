import IPLD
import Testing
@testable import Pipeline

@Suite struct TemplateRendererTests {
    let cid = CID.sha256(Array("hello world\n".utf8), codec: .raw)

    var task: TaskSpec {
        TaskSpec(
            id: "train", run: ["python3", "train.py", "--epochs={{params.epochs}}", "{{params.opt.lr}}", "{{inputs.data.cid}}"],
            inputs: [TaskInput(name: "data", source: .taskOutput(task: "prep", output: "clean"))],
            params: ["epochs": .int(5), "opt": .map(["lr": .float(0.001)]), "name": .string("x y"), "on": .bool(true)],
            env: ["NAME": "{{params.name}}", "ON": "{{params.on}}", "PLAIN": "text"])
    }

    @Test func rendersRunAndEnv() throws {
        let command = try TemplateRenderer.render(task, inputCIDs: ["data": cid])
        #expect(command.run == ["python3", "train.py", "--epochs=5", "0.001", cid.string])
        #expect(command.env == ["NAME": "x y", "ON": "true", "PLAIN": "text"])
    }

    @Test func missingInputCIDIsAnError() {
        #expect(throws: PipelineError(.invalidTemplate, "task 'train': {{inputs.data.cid}} has no CID yet")) {
            try TemplateRenderer.render(task, inputCIDs: [:])
        }
    }

    @Test func missingOrNonScalarParameterIsAnError() {
        #expect(throws: PipelineError(.invalidTemplate, "task 't': {{params.nope}} names no parameter")) {
            try TemplateRenderer.render("{{params.nope}}", params: [:], inputCIDs: [:], task: "t")
        }
        #expect(throws: PipelineError(.invalidTemplate, "task 't': {{params.l}} is a list, not a string, number or boolean")) {
            try TemplateRenderer.render("{{params.l}}", params: ["l": .list([.int(1)])], inputCIDs: [:], task: "t")
        }
    }

    @Test func floatsRenderInShortestForm() throws {
        let params: SpecMap = ["a": .float(0.95), "b": .float(1e-5), "c": .float(5)]
        #expect(try TemplateRenderer.render("{{params.a}} {{params.b}} {{params.c}}", params: params, inputCIDs: [:])
            == "0.95 1e-05 5.0")
    }
}
