import IPLD

/// The deterministic description of a step: what to run, on what, with which settings.
///
/// A recipe's CID is the step's **memoization key**: two tasks with equal recipes are the same
/// computation, so a recipe whose step already succeeded need not run again. Everything that
/// can change the outputs goes in, and nothing that cannot: no job id, task id, node, time or
/// host path. Maps (`inputs`, `params`, `env`, `limits`) are written by dag-cbor in canonical key
/// order, so the order a spec lists them in does not change the CID.
///
/// ```
/// { type: "shoal.recipe/1", tool: &bafy…, run: ["python3", "dedupe.py", "--threshold", "0.95"],
///   inputs: {corpus: &bafk…}, params: {threshold: 0.95}, env: {}, engine: "shoal-sandbox/1",
///   limits: {memory: 536870912, network: "none"}, outputs: ["clean", "report"],
///   import: {cidVersion: 1, rawLeaves: true, chunkSize: 262144, layout: "balanced"} }
/// ```
///
/// Build one from a pipeline task with ``init(task:tool:inputs:engine:)``.
public struct Recipe: ProvenanceObject {
    public static let typeName = "shoal.recipe/1"

    /// Always ``typeName``.
    public let type: String = Recipe.typeName
    /// The tool folder mounted at `/tool`; absent when the command comes from the sandbox's base system.
    public var tool: CID?
    /// The command and its arguments, with every placeholder already filled in.
    public var run: [String]
    /// Each input mounted at `/inputs/<name>`, by name.
    public var inputs: [String: CID]
    /// The task's parameters (already reflected in `run`, kept so an auditor can read them).
    public var params: IPLDMap
    /// Environment variables set for the command, placeholders filled in.
    public var env: [String: String]
    /// The engine that runs the command and its version, such as `shoal-sandbox/1`: a change in
    /// how commands are run is a change in the recipe.
    public var engine: String
    /// Limits that can change the result: `cpu`, `memory` and `disk` (bytes), `timeoutMs`,
    /// `pids` and `network` (`none` or `loopback`); unset limits are absent.
    public var limits: IPLDMap
    /// The declared output folders, sorted: a step reused from cache must have made every one.
    public var outputs: [String]
    /// How output folders become CIDs (`cidVersion`, `rawLeaves`, `chunkSize`, `layout`): the same
    /// bytes imported with other settings get other CIDs, so the settings are part of the computation.
    public var importSettings: IPLDMap

    public init(
        tool: CID?, run: [String], inputs: [String: CID] = [:], params: IPLDMap = [:],
        env: [String: String] = [:], engine: String, limits: IPLDMap = [:], outputs: [String] = [],
        importSettings: IPLDMap = [:]
    ) {
        self.tool = tool
        self.run = run
        self.inputs = inputs
        self.params = params
        self.env = env
        self.engine = engine
        self.limits = limits
        self.outputs = outputs.sorted()
        self.importSettings = importSettings
    }

    /// The field names, which `Specs/provenance.ipldsch` must list too.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, tool, run, inputs, params, env, engine, limits, outputs
        case importSettings = "import"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try container.checkType(.type, expected: Self.typeName)
        tool = try container.decodeIfPresent(CID.self, forKey: .tool)
        run = try container.decode([String].self, forKey: .run)
        inputs = try container.decode([String: CID].self, forKey: .inputs)
        params = try container.decode(IPLDMap.self, forKey: .params)
        env = try container.decode([String: String].self, forKey: .env)
        engine = try container.decode(String.self, forKey: .engine)
        limits = try container.decode(IPLDMap.self, forKey: .limits)
        outputs = try container.decode([String].self, forKey: .outputs)
        importSettings = try container.decode(IPLDMap.self, forKey: .importSettings)
    }
}
