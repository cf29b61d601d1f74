import IPLD

/// What `shoal plan` shows: every task in dependency order with its level, what it waits for,
/// where each input comes from and what it produces.
///
/// A plan is computed from the spec alone, without running anything. Memoization details, the
/// recipe key of each step and whether a cached result exists, are not known to this module:
/// the recipe key is the CID of a dag-cbor recipe built by the Provenance module, and only for
/// steps whose input CIDs are known. That module fills ``Step/cache`` in; until then it is `nil`
/// and `shoal plan` prints nothing for it.
///
/// ```swift
/// let plan = try PipelinePlan(spec)
/// for step in plan.steps { print(step.level, step.id, step.dependsOn) }
/// ```
public struct PipelinePlan: Sendable, Hashable, Encodable {
    /// One task of the plan.
    public struct Step: Sendable, Hashable, Encodable {
        public var id: String
        /// 0 for tasks that wait for nothing; otherwise one more than the deepest task waited for.
        /// Steps of one level are independent and may run in parallel.
        public var level: Int
        /// The tasks whose outputs this one reads, in spec order.
        public var dependsOn: [String]
        /// The tool folder or CID, if any.
        public var tool: String?
        /// The command before placeholders are filled in.
        public var run: [String]
        public var inputs: [Input]
        public var outputs: [String]
        /// The recipe key and cache state, once the Provenance module has computed them.
        public var cache: CacheStatus?
    }

    /// Where one input of a step comes from.
    public struct Input: Sendable, Hashable, Encodable {
        public var name: String
        /// `inputs.X` or `TASK.OUTPUT`.
        public var from: String
        /// The CID, when it is known before running (a pipeline input given as a CID).
        public var cid: String?
        /// The local path, when the pipeline input is a file or folder added at submit time.
        public var path: String?
    }

    /// Memoization facts about a step, filled in by the Provenance module.
    public struct CacheStatus: Sendable, Hashable, Encodable {
        /// The CID of the step's recipe (tool, command, input CIDs, params, env, limits).
        public var recipeKey: String
        /// Whether a successful step with this recipe exists and its outputs are present.
        public var hit: Bool

        public init(recipeKey: CID, hit: Bool) {
            self.recipeKey = recipeKey.string
            self.hit = hit
        }
    }

    public var name: String
    /// Steps in dependency order (``TaskGraph/order``).
    public var steps: [Step]

    /// Plans `spec`.
    ///
    /// - Throws: ``PipelineError`` from ``TaskGraph`` (never for a validated spec).
    public init(_ spec: PipelineSpec) throws(PipelineError) {
        let graph = try TaskGraph(spec)
        var level: [String: Int] = [:]
        for (depth, ids) in graph.levels.enumerated() { for id in ids { level[id] = depth } }
        var steps: [Step] = []
        for id in graph.order {
            guard let task = spec.task(id) else { continue }
            let inputs = task.inputs.map { input in
                var planned = Input(name: input.name, from: input.source.description)
                if case .pipelineInput(let name) = input.source, let source = spec.input(named: name)?.source {
                    switch source {
                    case .cid(let cid): planned.cid = cid.string
                    case .path(let path): planned.path = path.written
                    }
                }
                return planned
            }
            steps.append(Step(
                id: id, level: level[id] ?? 0, dependsOn: try graph.dependencies(of: id), tool: task.tool?.description,
                run: task.run, inputs: inputs, outputs: task.outputs))
        }
        self.name = spec.name
        self.steps = steps
    }

    /// The human form printed by `shoal plan`: one block per step, in order.
    ///
    /// ```
    /// [0] dedupe
    ///     tool    ../../Runners/datakit
    ///     run     python3 dedupe.py --threshold {{params.threshold}}
    ///     input   corpus <- inputs.corpus (bafy…)
    ///     output  clean
    /// [1] train  (after dedupe)
    /// ```
    public var text: String {
        var lines: [String] = ["pipeline \(name): \(steps.count) task\(steps.count == 1 ? "" : "s")"]
        for step in steps {
            let after = step.dependsOn.isEmpty ? "" : "  (after \(step.dependsOn.joined(separator: ", ")))"
            lines.append("[\(step.level)] \(step.id)\(after)")
            if let tool = step.tool { lines.append("    tool    \(tool)") }
            lines.append("    run     \(step.run.map(Self.quoted).joined(separator: " "))")
            for input in step.inputs {
                let known = input.cid.map { " (\($0))" } ?? input.path.map { " (local \($0), added at submit)" } ?? ""
                lines.append("    input   \(input.name) <- \(input.from)\(known)")
            }
            for output in step.outputs { lines.append("    output  \(output)") }
            if let cache = step.cache {
                lines.append("    recipe  \(cache.recipeKey)\(cache.hit ? "  (cached)" : "")")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Shell-style quoting for display, so arguments with spaces stay readable as one.
    static func quoted(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.allSatisfy { !$0.isWhitespace && !"'\"\\$`".contains($0) }
        return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
