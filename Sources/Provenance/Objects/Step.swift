import IPLD

/// What happened when a recipe ran: its outputs, logs, exit code, where, when and after what.
///
/// ```
/// { type: "shoal.step/1", recipe: &bafy…, outputs: {clean: &bafy…}, stdout: &bafk…, stderr: &bafk…,
///   exitCode: 0, node: "did:key:z6Mk…", job: "run-1", task: "dedupe",
///   started: "2025-01-02T03:04:05.678Z", finished: "2025-01-02T03:04:06.012Z", parents: [&bafy…] }
/// ```
///
/// A step is signed through an ``Attestation`` over its CID. Output CIDs are indexed to the step
/// that made them (``ProvenanceIndex``), so lineage walks need no search.
///
/// A **cached** step records that a task was satisfied by an earlier successful step with the
/// same recipe: `cached` is `true`, `original` links that step, `outputs` are its outputs, and
/// `stdout`/`stderr` are the original's logs.
public struct Step: ProvenanceObject {
    public static let typeName = "shoal.step/1"

    /// Always ``typeName``.
    public let type: String = Step.typeName
    /// The recipe that ran (its CID is the memoization key).
    public var recipe: CID
    /// Each declared output folder's UnixFS CID, by output name; empty when the step failed.
    public var outputs: [String: CID]
    /// The command's standard output, added as a CID.
    public var stdout: CID
    /// The command's standard error, added as a CID.
    public var stderr: CID
    /// The exit status; a command killed by a signal reports 128 + the signal number, as shells do.
    public var exitCode: Int
    /// The did:key of the node that ran it.
    public var node: String
    /// The job (or local run) this step belongs to.
    public var job: String
    /// The task id within the job's spec.
    public var task: String
    /// When the command started, RFC 3339 in UTC (``ProvenanceTime``).
    public var started: String
    /// When the command finished, RFC 3339 in UTC.
    public var finished: String
    /// The steps that produced this step's inputs (each once, in input-name order).
    public var parents: [CID]
    /// `true` when no command ran because an earlier step with the same recipe was reused.
    public var cached: Bool?
    /// For a cached step, the step whose outputs it reuses.
    public var original: CID?
    /// Why the step failed when the exit code alone does not say: `timeout`, `oom`,
    /// `missing-output`, `unsafe-output`. Absent for a successful step.
    public var reason: String?
    /// What the command used, as measured by the engine. Absent for cached steps.
    public var usage: ResourceUsage?

    public init(
        recipe: CID, outputs: [String: CID], stdout: CID, stderr: CID, exitCode: Int, node: String,
        job: String, task: String, started: String, finished: String, parents: [CID] = [],
        cached: Bool? = nil, original: CID? = nil, reason: String? = nil, usage: ResourceUsage? = nil
    ) {
        self.recipe = recipe
        self.outputs = outputs
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
        self.node = node
        self.job = job
        self.task = task
        self.started = started
        self.finished = finished
        self.parents = parents
        self.cached = cached
        self.original = original
        self.reason = reason
        self.usage = usage
    }

    /// Whether the step succeeded: exit code 0 and no failure reason.
    public var succeeded: Bool { exitCode == 0 && reason == nil }

    /// Whether this step reused an earlier step's outputs instead of running.
    public var isCached: Bool { cached == true }

    /// The field names, which `Specs/provenance.ipldsch` must list too.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, recipe, outputs, stdout, stderr, exitCode, node, job, task, started, finished, parents
        case cached, original, reason, usage
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try container.checkType(.type, expected: Self.typeName)
        recipe = try container.decode(CID.self, forKey: .recipe)
        outputs = try container.decode([String: CID].self, forKey: .outputs)
        stdout = try container.decode(CID.self, forKey: .stdout)
        stderr = try container.decode(CID.self, forKey: .stderr)
        exitCode = try container.decode(Int.self, forKey: .exitCode)
        node = try container.decode(String.self, forKey: .node)
        job = try container.decode(String.self, forKey: .job)
        task = try container.decode(String.self, forKey: .task)
        started = try container.decode(String.self, forKey: .started)
        finished = try container.decode(String.self, forKey: .finished)
        parents = try container.decode([CID].self, forKey: .parents)
        cached = try container.decodeIfPresent(Bool.self, forKey: .cached)
        original = try container.decodeIfPresent(CID.self, forKey: .original)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        usage = try container.decodeIfPresent(ResourceUsage.self, forKey: .usage)
    }
}

/// What a step's command used, as the engine measured it (wait4/rusage and the cgroup).
public struct ResourceUsage: Codable, Sendable, Hashable {
    /// Wall-clock time from start to exit, in milliseconds.
    public var wallMs: Int
    /// CPU time in user mode, in milliseconds.
    public var userCpuMs: Int
    /// CPU time in the kernel, in milliseconds.
    public var systemCpuMs: Int
    /// Peak resident memory, in bytes.
    public var maxRssBytes: Int

    public init(wallMs: Int, userCpuMs: Int, systemCpuMs: Int, maxRssBytes: Int) {
        self.wallMs = wallMs
        self.userCpuMs = userCpuMs
        self.systemCpuMs = systemCpuMs
        self.maxRssBytes = maxRssBytes
    }

    /// The field names, which `Specs/provenance.ipldsch` must list too.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case wallMs, userCpuMs, systemCpuMs, maxRssBytes
    }
}
