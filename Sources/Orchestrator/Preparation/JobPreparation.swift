import BlockStore
import Foundation
import IPLD
import JobStore
import Pipeline
import Provenance
import UnixFS

/// Submit-time resolution: turns a loaded spec into a job that names only CIDs.
///
/// Tool folders and local `inputs:` paths are added to the store with the spec's import
/// settings (by default CIDv1, raw leaves, 256 KiB chunks) and pinned; inputs given as CIDs must
/// already be complete in the local store (they are pinned too, so gc cannot take them while the
/// job runs). Everything is checked before anything is written: a CID that is not here fails
/// the preparation with nothing stored or pinned.
///
/// ```swift
/// let spec = try SpecLoader.load(contentsOf: URL(filePath: "pipeline.yaml"))
/// let prepared = try JobPreparation(repo: repo).prepare(spec)
/// let job = try prepared.submit(to: store, specFile: "pipeline.yaml", options: JobOptions())
/// ```
///
/// ``hashOnly(_:)`` computes the same CIDs without any store (what `shoal plan` needs).
public struct JobPreparation: Sendable {
    public let repo: Repo

    public init(repo: Repo) {
        self.repo = repo
    }

    /// Adds the spec's local paths, checks and pins its CIDs, and returns the resolved job.
    ///
    /// - Parameter progress: called with the total bytes read so far while paths are added.
    /// - Throws: ``OrchestratorError/Code/unknownCID`` for a CID input or tool whose blocks are
    ///   not all here, ``OrchestratorError/Code/addFailed`` for a path that cannot be added.
    public func prepare(_ spec: PipelineSpec, progress: ((UInt64) -> Void)? = nil) throws -> PreparedJob {
        let profile = try Self.profile(of: spec)
        let cids = Self.namedCIDs(spec)
        for (label, cid) in cids where try !repo.has(cid) {
            throw OrchestratorError(
                .unknownCID, "\(label) \(cid) is not in the local store (add it with `shoal add` or `shoal car import` first)")
        }
        return try repo.write { writer in
            if !cids.isEmpty {
                do {
                    try writer.pin(cids.map(\.cid))     // checks every DAG is complete, pins all or none
                } catch let error as BlockStoreError {
                    throw OrchestratorError(.unknownCID, "an input is not complete in the local store: \(error.message)")
                }
            }
            return try Self.addAndPinPaths(spec, profile: profile, writer: writer, progress: progress)
        }
    }

    /// Adds the spec's local paths (tool folders and local inputs) and pins them, leaving the
    /// CIDs the spec names as they are: what a pool client does before it submits, since in the
    /// pool those CIDs are held by workers (a private input never leaves its worker), not here.
    ///
    /// ``PreparedJob/addedRoots`` lists the DAGs added from paths, the ones to upload.
    ///
    /// - Throws: ``OrchestratorError/Code/addFailed`` for a path that cannot be added.
    public func addLocalPaths(_ spec: PipelineSpec, progress: ((UInt64) -> Void)? = nil) throws -> PreparedJob {
        let profile = try Self.profile(of: spec)
        return try repo.write { writer in
            try Self.addAndPinPaths(spec, profile: profile, writer: writer, progress: progress)
        }
    }

    /// Adds and pins every local path of `spec` in `writer`'s session, resolving the spec to CIDs;
    /// ``PreparedJob/addedRoots`` lists what was added.
    static func addAndPinPaths(
        _ spec: PipelineSpec, profile: ImportProfile, writer: RepoWriter, progress: ((UInt64) -> Void)?
    ) throws -> PreparedJob {
        var total: UInt64 = 0
        var added: [CID] = []
        let resolved = try resolve(spec) { path, label in
            let result = try add(path, label: label, profile: profile, sink: writer) { bytes in
                progress?(total + bytes)
            }
            total += result.bytesRead
            do {
                try writer.pin(result.cid, name: label)
            } catch {
                throw OrchestratorError(.addFailed, "\(label) (\(path.resolved)): cannot pin: \(error)")
            }
            added.append(result.cid)
            return result.cid
        }
        var prepared = PreparedJob(resolved, addedBytes: total)
        prepared.addedRoots = added
        return prepared
    }

    /// The job `prepare` would give, with the CIDs of local paths computed but nothing stored
    /// and no CID checked.
    public static func hashOnly(_ spec: PipelineSpec) throws -> PreparedJob {
        let profile = try profile(of: spec)
        return PreparedJob(try resolve(spec) { path, label in
            try Self.add(path, label: label, profile: profile, sink: DiscardingBlockSink()).cid
        }, addedBytes: 0)
    }

    // MARK: Steps

    static func profile(of spec: PipelineSpec) throws -> ImportProfile {
        do {
            return try OutputImport(spec.importSettings).profile()
        } catch {
            throw OrchestratorError(.addFailed, "the spec's import settings: \(error)")
        }
    }

    /// The CIDs a spec names directly: pipeline inputs and tools, with a label for messages.
    static func namedCIDs(_ spec: PipelineSpec) -> [(label: String, cid: CID)] {
        var result: [(String, CID)] = []
        for input in spec.inputs { if case .cid(let cid) = input.source { result.append(("input '\(input.name)'", cid)) } }
        for task in spec.tasks { if case .cid(let cid)? = task.tool { result.append(("tool of task '\(task.id)'", cid)) } }
        return result
    }

    /// The spec with every local path replaced by `add(path, label)`; each path is added once.
    static func resolve(_ spec: PipelineSpec, add: (SpecPath, String) throws -> CID) throws -> ResolvedSpec {
        var labels: [String: String] = [:]
        for input in spec.inputs { if case .path(let path) = input.source { labels[path.resolved] = labels[path.resolved] ?? "input \(input.name)" } }
        for task in spec.tasks { if case .path(let path)? = task.tool { labels[path.resolved] = labels[path.resolved] ?? "tool of \(task.id)" } }
        var added: [String: CID] = [:]
        let resolved = try spec.replacingLocalPaths { path in
            if let cid = added[path.resolved] { return cid }
            let cid = try add(path, labels[path.resolved] ?? path.written)
            added[path.resolved] = cid
            return cid
        }
        var inputs: [String: CID] = [:]
        for input in resolved.inputs { if case .cid(let cid) = input.source { inputs[input.name] = cid } }
        var tools: [String: CID] = [:]
        for task in resolved.tasks { if case .cid(let cid)? = task.tool { tools[task.id] = cid } }
        return ResolvedSpec(spec: resolved, inputs: inputs, tools: tools)
    }

    static func add(
        _ path: SpecPath, label: String, profile: ImportProfile, sink: any BlockSink, progress: ((UInt64) -> Void)? = nil
    ) throws -> ImportResult {
        do {
            return try UnixFSImporter(profile: profile, sink: sink)
                .importPath(path.resolved, options: ImportOptions(recursive: true), progress: progress)
        } catch {
            throw OrchestratorError(.addFailed, "\(label) (\(path.written)): \(error)")
        }
    }

    struct ResolvedSpec {
        var spec: PipelineSpec
        var inputs: [String: CID]
        var tools: [String: CID]
    }
}

/// A spec whose local paths were added (or hashed): every tool and input is a CID.
public struct PreparedJob: Sendable {
    /// The resolved spec.
    public var spec: PipelineSpec
    /// Each pipeline input's CID, by name.
    public var inputs: [String: CID]
    /// Each task's tool CID, by task id.
    public var tools: [String: CID]
    /// File bytes read while adding local paths.
    public var addedBytes: UInt64
    /// The roots added from local paths, each once, in the order they were added (set by
    /// ``JobPreparation/addLocalPaths(_:progress:)``).
    public var addedRoots: [CID] = []

    init(_ resolved: JobPreparation.ResolvedSpec, addedBytes: UInt64) {
        spec = resolved.spec
        inputs = resolved.inputs
        tools = resolved.tools
        self.addedBytes = addedBytes
    }

    /// Stores the job (state pending, every task pending) and returns its record.
    ///
    /// Tasks that read only pipeline inputs get their recipe key at once.
    public func submit(to store: JobStore, specFile: String?, options: JobOptions, id: String = JobID.generate()) throws -> JobRecord {
        try submitKeepingRecipes(to: store, specFile: specFile, options: options, id: id).job
    }

    /// Stores the job like ``submit(to:specFile:options:id:)``, and returns with its record the
    /// recipes built for the recipe keys, for the job's first drive
    /// (``JobCoordinator/run(job:spec:recipes:)``).
    public func submitKeepingRecipes(
        to store: JobStore, specFile: String?, options: JobOptions, id: String = JobID.generate()
    ) throws -> (job: JobRecord, recipes: SubmittedRecipes) {
        let record = JobRecord(
            id: id, name: spec.name, spec: try StoredSpec.encode(spec), specFile: specFile, inputs: inputs, tools: tools,
            options: options)
        var recipes = SubmittedRecipes()
        for task in spec.tasks {
            // A recipe that cannot be built now (a placeholder that cannot be filled) has no key;
            // its drive reports why when it builds the assignment.
            guard let recipe = try? recipe(of: task), let block = try? recipe.block() else { continue }
            recipes.byTask[task.id] = SubmittedRecipes.Built(recipe: recipe, block: block)
        }
        try store.createJob(record, tasks: spec.tasks.map { NewTask(id: $0.id, recipe: recipes.cid(of: $0.id)) })
        return (record, recipes)
    }

    /// The recipe of a task whose inputs are all pipeline inputs; `nil` for one that reads another task.
    func recipe(of task: TaskSpec) throws -> Recipe? {
        var cids: [String: CID] = [:]
        for input in task.inputs {
            guard case .pipelineInput(let name) = input.source, let cid = inputs[name] else { return nil }
            cids[input.name] = cid
        }
        return try Recipe(task: task, in: spec, tool: tools[task.id], inputs: cids)
    }
}
