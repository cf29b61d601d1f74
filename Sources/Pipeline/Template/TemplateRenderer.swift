import IPLD

/// The command and environment of a task with every placeholder filled in: what the sandbox runs.
public struct RenderedCommand: Sendable, Hashable {
    public var run: [String]
    public var env: [String: String]

    public init(run: [String], env: [String: String]) {
        self.run = run
        self.env = env
    }
}

/// Fills `{{params.x}}` and `{{inputs.x.cid}}` placeholders of a task's `run:` and `env:`.
///
/// Parameters come from the task itself; input CIDs are given by the caller once the inputs are
/// known (pipeline input CIDs, and outputs of the tasks this one waits for).
///
/// ```swift
/// let command = try TemplateRenderer.render(task, inputCIDs: ["data": cleanCID])
/// command.run   // ["python3", "train.py", "--epochs", "5"]
/// ```
public enum TemplateRenderer {
    /// Renders `task`'s `run:` and `env:`.
    ///
    /// - Parameters:
    ///   - task: A validated task.
    ///   - inputCIDs: The CID of each of the task's inputs, by input name; only the inputs named
    ///     in `{{inputs.x.cid}}` placeholders are needed.
    /// - Throws: ``PipelineError/Code/invalidTemplate`` when a placeholder names a parameter that
    ///   is missing or not a scalar, or an input whose CID was not given.
    public static func render(_ task: TaskSpec, inputCIDs: [String: CID]) throws(PipelineError) -> RenderedCommand {
        var run: [String] = []
        for argument in task.run {
            run.append(try render(argument, params: task.params, inputCIDs: inputCIDs, task: task.id))
        }
        var env: [String: String] = [:]
        for (name, value) in task.env {
            env[name] = try render(value, params: task.params, inputCIDs: inputCIDs, task: task.id)
        }
        return RenderedCommand(run: run, env: env)
    }

    /// Renders one string.
    public static func render(
        _ text: String, params: SpecMap, inputCIDs: [String: CID], task: String = "?"
    ) throws(PipelineError) -> String {
        let template = try Template(parsing: text)
        var output = ""
        for part in template.parts {
            switch part {
            case .literal(let literal):
                output += literal
            case .param(let path):
                guard let value = params.value(at: path) else {
                    throw PipelineError(.invalidTemplate, "task '\(task)': \(part) names no parameter")
                }
                guard let text = value.scalarText else {
                    throw PipelineError(.invalidTemplate, "task '\(task)': \(part) is \(value.kindName), not a string, number or boolean")
                }
                output += text
            case .inputCID(let name):
                guard let cid = inputCIDs[name] else {
                    throw PipelineError(.invalidTemplate, "task '\(task)': \(part) has no CID yet")
                }
                output += cid.string
            }
        }
        return output
    }
}
