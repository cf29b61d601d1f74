/// The checks that need the whole spec: unique task ids, references that resolve, an acyclic
/// graph, known placeholders and compute-to-data placement.
///
/// ``SpecLoader`` runs it after decoding with the file's ``SpecSourceMap``, so each problem points
/// at the line it comes from. It also works on a spec built in code (without locations), for
/// example one a server received and wants to re-check.
///
/// Rules:
/// - task ids are unique;
/// - `from: inputs.X` names a pipeline input; `from: TASK.OUTPUT` names another task and one of
///   its declared outputs;
/// - the task graph has no cycle (each cycle is reported once, with its path);
/// - every `{{...}}` placeholder in `run:` and `env:` is well formed and names a parameter holding
///   a string, number or boolean, or an input of the task;
/// - a task reading a private input runs with `locality: required`: set when not written,
///   an error when written otherwise.
public struct SpecValidator {
    let sourceMap: SpecSourceMap
    let skippedOutputs: Set<String>
    /// The problems found by the last ``validate(_:)``.
    public private(set) var diagnostics: [SpecDiagnostic] = []

    /// - Parameters:
    ///   - sourceMap: Where fields were written, for locations; empty for a spec built in code.
    public init(sourceMap: SpecSourceMap = SpecSourceMap()) {
        self.init(sourceMap: sourceMap, skippingOutputsOf: [])
    }

    init(sourceMap: SpecSourceMap, skippingOutputsOf tasks: Set<String>) {
        self.sourceMap = sourceMap
        self.skippedOutputs = tasks
    }

    /// Checks `spec`, recording problems in ``diagnostics``.
    ///
    /// - Returns: The spec with implied settings applied (tasks reading a private input get
    ///   `locality: required`).
    public mutating func validate(_ spec: PipelineSpec) -> PipelineSpec {
        diagnostics = []
        var spec = spec
        checkTaskIDs(spec)
        checkReferences(spec)
        checkCycles(spec)
        // Whether each pipeline input is private, as `spec.input(named:)` finds it (the first of
        // that name). Passing the spec itself while a task is changed in place made each task copy
        // every task of the spec.
        var isPrivate: [String: Bool] = [:]
        for input in spec.inputs where isPrivate[input.name] == nil { isPrivate[input.name] = input.isPrivate }
        for index in spec.tasks.indices {
            checkPlaceholders(spec.tasks[index], index: index)
            applyPrivacy(isPrivate, to: &spec.tasks[index], index: index)
        }
        return spec
    }

    private mutating func report(_ path: String, _ message: String) {
        diagnostics.append(sourceMap.diagnostic(path, message))
    }

    private func taskPath(_ index: Int, _ rest: String...) -> String {
        rest.reduce(FieldPath.item("tasks", index)) { FieldPath.child($0, $1) }
    }

    // MARK: Rules

    private mutating func checkTaskIDs(_ spec: PipelineSpec) {
        var firstIndex: [String: Int] = [:]
        for (index, task) in spec.tasks.enumerated() where !task.id.isEmpty {
            if let first = firstIndex[task.id] {
                let line = sourceMap.locate(taskPath(first, "id")).location.map { " at line \($0.line)" } ?? ""
                report(taskPath(index, "id"), "duplicate task id '\(task.id)' (first used by tasks[\(first)]\(line))")
            } else {
                firstIndex[task.id] = index
            }
        }
    }

    private mutating func checkReferences(_ spec: PipelineSpec) {
        let taskIDs = spec.tasks.map(\.id).filter { !$0.isEmpty }
        for (index, task) in spec.tasks.enumerated() {
            for input in task.inputs {
                let path = taskPath(index, "inputs", input.name, "from")
                switch input.source {
                case .pipelineInput(let name):
                    if spec.input(named: name) == nil {
                        let known = spec.inputs.map(\.name)
                        report(path, "no pipeline input '\(name)' (\(Self.list("inputs", known, none: "the pipeline has no inputs")))")
                    }
                case .taskOutput(let producer, let output):
                    if producer == task.id {
                        report(path, "task '\(task.id)' cannot read its own output '\(output)'")
                    } else if let upstream = spec.task(producer) {
                        if !skippedOutputs.contains(producer), !upstream.outputs.contains(output) {
                            report(path, "task '\(producer)' declares no output '\(output)' (\(Self.list("its outputs", upstream.outputs, none: "it declares no outputs")))")
                        }
                    } else {
                        report(path, "no task '\(producer)' (\(Self.list("tasks", taskIDs, none: "there are no tasks")))")
                    }
                }
            }
        }
    }

    private mutating func checkCycles(_ spec: PipelineSpec) {
        var firstIndex: [String: Int] = [:]
        for (index, task) in spec.tasks.enumerated() where firstIndex[task.id] == nil { firstIndex[task.id] = index }
        // Edges run producer -> consumer; self-reads are reported by checkReferences already.
        var successors = [[Int]](repeating: [], count: spec.tasks.count)
        for (index, task) in spec.tasks.enumerated() {
            for upstream in task.upstreamTaskIDs where upstream != task.id {
                if let from = firstIndex[upstream] { successors[from].append(index) }
            }
        }
        for cycle in TaskGraph.cycles(successors: successors) {
            let names = (cycle + [cycle[0]]).map { spec.tasks[$0].id }.joined(separator: " -> ")
            // Point at the `from:` with which the cycle's first task reads the last one.
            let reader = cycle[0], producer = spec.tasks[cycle[cycle.count - 1]].id
            let input = spec.tasks[reader].inputs.first { $0.source.producingTask == producer }
            report(taskPath(reader, "inputs", input?.name ?? "", "from"), "dependency cycle: \(names)")
        }
    }

    private mutating func checkPlaceholders(_ task: TaskSpec, index: Int) {
        for (position, argument) in task.run.enumerated() {
            checkTemplate(argument, in: task, path: FieldPath.item(taskPath(index, "run"), position))
        }
        for name in task.env.keys.sorted() {
            checkTemplate(task.env[name]!, in: task, path: taskPath(index, "env", name))
        }
    }

    private mutating func checkTemplate(_ text: String, in task: TaskSpec, path: String) {
        for piece in Template.scan(text) {
            let part: Template.Part
            switch piece {
            case .success(let parsed): part = parsed
            case .failure(let error): report(path, error.message); continue
            }
            switch part {
            case .param(let keyPath):
                guard let value = task.params.value(at: keyPath) else {
                    report(path, "unknown placeholder '\(part)': the task has no parameter '\(keyPath.joined(separator: "."))' "
                           + "(\(Self.list("parameters", task.params.keys, none: "it has no parameters")))")
                    continue
                }
                if !value.isScalar {
                    report(path, "placeholder '\(part)' names \(value.kindName): a placeholder needs a string, number or boolean")
                }
            case .inputCID(let name):
                if task.input(named: name) == nil {
                    report(path, "unknown placeholder '\(part)': the task has no input '\(name)' "
                           + "(\(Self.list("inputs", task.inputs.map(\.name), none: "it has no inputs")))")
                }
            case .literal:
                break
            }
        }
    }

    private mutating func applyPrivacy(_ isPrivate: [String: Bool], to task: inout TaskSpec, index: Int) {
        let privateInputs = task.inputs.compactMap { input -> String? in
            guard case .pipelineInput(let name) = input.source, isPrivate[name] == true else { return nil }
            return name
        }
        guard let first = privateInputs.first, task.locality != .required else { return }
        let path = taskPath(index, "locality")
        if sourceMap.contains(path) {
            report(path, "task reads private input '\(first)' (compute-to-data), so its locality must be required, "
                   + "not \(task.locality.rawValue)")
        } else {
            task.locality = .required
        }
    }

    static func list(_ what: String, _ names: [String], none: String) -> String {
        names.isEmpty ? none : "\(what): \(names.joined(separator: ", "))"
    }
}
