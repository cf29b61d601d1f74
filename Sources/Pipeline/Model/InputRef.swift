/// Where a task input comes from: a pipeline input (`from: inputs.corpus`) or another task's
/// output (`from: dedupe.clean`).
///
/// The text form splits at the first dot: task ids cannot contain dots (and `inputs` is not a
/// valid task id), so `inputs.X` and `TASK.OUTPUT` never collide, while output names may contain dots.
public enum InputRef: Sendable, Hashable, CustomStringConvertible {
    /// A dataset named in the pipeline's top-level `inputs:`.
    case pipelineInput(String)
    /// An output declared by another task.
    case taskOutput(task: String, output: String)

    /// Parses `inputs.NAME` or `TASK.OUTPUT`; `nil` when there is no dot or a side is empty.
    public init?(parsing text: String) {
        guard let dot = text.firstIndex(of: ".") else { return nil }
        let head = String(text[..<dot])
        let tail = String(text[text.index(after: dot)...])
        guard !head.isEmpty, !tail.isEmpty else { return nil }
        self = head == "inputs" ? .pipelineInput(tail) : .taskOutput(task: head, output: tail)
    }

    /// The id of the task this input waits for, if it comes from one.
    public var producingTask: String? {
        if case .taskOutput(let task, _) = self { return task }
        return nil
    }

    /// `inputs.NAME` or `TASK.OUTPUT`, as written in `from:`.
    public var description: String {
        switch self {
        case .pipelineInput(let name): "inputs.\(name)"
        case .taskOutput(let task, let output): "\(task).\(output)"
        }
    }
}

/// One named input of a task: mounted read-only at `/inputs/<name>`.
public struct TaskInput: Sendable, Hashable {
    public var name: String
    public var source: InputRef

    public init(name: String, source: InputRef) {
        self.name = name
        self.source = source
    }
}
