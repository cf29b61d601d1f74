import IPLD
import Pipeline

extension Recipe {
    /// The engine name and version recipes record when steps run in Shoal's sandbox.
    public static let sandboxEngine = "shoal-sandbox/1"

    /// The recipe of a pipeline task once its tool and input CIDs are known.
    ///
    /// `run` and `env` are rendered (``TemplateRenderer``), `params` are copied, and the task's
    /// resources and network policy become `limits`. Placement settings (`locality`,
    /// `constraints`, `retries`, `queueTimeout`) and `cache` are left out: they decide where or
    /// whether a step runs, not what it computes.
    ///
    /// - Parameters:
    ///   - task: A validated task.
    ///   - tool: The tool folder's CID (`nil` when the task has no tool).
    ///   - inputs: The CID of every input of the task, by input name.
    ///   - engine: The engine that will run it (default ``sandboxEngine``).
    ///   - importSettings: How the outputs will be added (resolved, so a change of Shoal's defaults
    ///     is a change of recipe); the task's declared outputs are recorded too.
    /// - Throws: ``ProvenanceError/Code/invalidObject`` when an input has no CID, and the
    ///   renderer's ``PipelineError`` when a placeholder cannot be filled.
    public init(
        task: TaskSpec, tool: CID?, inputs: [String: CID], engine: String = Recipe.sandboxEngine,
        importSettings: IPLDMap = [:]
    ) throws {
        for input in task.inputs where inputs[input.name] == nil {
            throw ProvenanceError(.invalidObject, "task '\(task.id)': input '\(input.name)' has no CID yet")
        }
        let declared = Set(task.inputs.map(\.name))
        if let extra = inputs.keys.sorted().first(where: { !declared.contains($0) }) {
            throw ProvenanceError(.invalidObject, "task '\(task.id)' has no input named '\(extra)'")
        }
        let command = try TemplateRenderer.render(task, inputCIDs: inputs)
        self.init(
            tool: tool, run: command.run, inputs: inputs, params: Self.ipld(task.params), env: command.env,
            engine: engine, limits: Self.limits(task.resources, network: task.network), outputs: task.outputs,
            importSettings: importSettings)
    }

    /// The `limits` map of a task's resources and network policy.
    static func limits(_ resources: Resources, network: NetworkPolicy) -> IPLDMap {
        var limits = IPLDMap()
        if let cpu = resources.cpu { limits["cpu"] = .float(cpu) }
        if let memory = resources.memory { limits["memory"] = .integer(IPLDInteger(memory.bytes)) }
        if let disk = resources.disk { limits["disk"] = .integer(IPLDInteger(disk.bytes)) }
        if let timeout = resources.timeout { limits["timeoutMs"] = .integer(IPLDInteger(timeout.milliseconds)) }
        if let pids = resources.pids { limits["pids"] = .int(pids) }
        limits["network"] = .string(network.rawValue)
        return limits
    }

    /// A spec parameter map in the IPLD data model (keys in canonical order).
    static func ipld(_ map: SpecMap) -> IPLDMap {
        IPLDMap(map.map { ($0.key, ipld($0.value)) })
    }

    static func ipld(_ value: SpecValue) -> IPLDValue {
        switch value {
        case .string(let string): .string(string)
        case .int(let int): .int(int)
        case .float(let double): .float(double)
        case .bool(let bool): .bool(bool)
        case .list(let list): .list(list.map(ipld))
        case .map(let map): .map(ipld(map))
        }
    }
}
