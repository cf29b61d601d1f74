import IPLD

/// A whole pipeline spec file, validated and in canonical form.
///
/// Get one from ``SpecLoader``, which accepts both the canonical shape and the Filecoin
/// Processing Spec (FPS) shape and reports every problem with its location. A value of this type
/// has passed validation: task ids are unique, every `from:` names something that exists, the
/// graph is acyclic and placeholders are known. Local paths are resolved (see ``SpecPath``) but
/// not yet added to a store; that happens when the pipeline is submitted or run.
///
/// ```swift
/// let spec = try SpecLoader.load(contentsOf: URL(filePath: "pipeline.yaml"))
/// let graph = try TaskGraph(spec)
/// print(graph.order)          // ["dedupe", "train"]
/// print(try spec.canonicalYAML())
/// ```
public struct PipelineSpec: Sendable, Hashable {
    /// The spec format version; only `1` exists.
    public var version: Int
    /// A name for people and logs; defaults to the spec file's name without extension.
    public var name: String
    /// Named datasets, in the order they were written.
    public var inputs: [PipelineInput]
    /// How outputs are added (`import:`); `nil` means the defaults (CIDv1, raw leaves, 256 KiB chunks).
    public var importSettings: ImportSettings?
    /// The tasks, in the order they were written.
    public var tasks: [TaskSpec]

    /// The current and only spec format version.
    public static let currentVersion = 1

    public init(
        version: Int = PipelineSpec.currentVersion, name: String, inputs: [PipelineInput] = [],
        importSettings: ImportSettings? = nil, tasks: [TaskSpec]
    ) {
        self.version = version
        self.name = name
        self.inputs = inputs
        self.importSettings = importSettings
        self.tasks = tasks
    }

    /// The task with this id.
    public func task(_ id: String) -> TaskSpec? { tasks.first { $0.id == id } }

    /// The pipeline input with this name.
    public func input(named name: String) -> PipelineInput? { inputs.first { $0.name == name } }

    /// A copy in which every local path (pipeline inputs and tool folders) is replaced by the
    /// CID `resolve` gives for it: what submitting or running does after adding them to a store.
    public func replacingLocalPaths(_ resolve: (SpecPath) throws -> CID) rethrows -> PipelineSpec {
        var copy = self
        for index in copy.inputs.indices {
            if case .path(let path) = copy.inputs[index].source { copy.inputs[index].source = .cid(try resolve(path)) }
        }
        for index in copy.tasks.indices {
            if case .path(let path) = copy.tasks[index].tool { copy.tasks[index].tool = .cid(try resolve(path)) }
        }
        return copy
    }
}

/// A local path in a spec: as written, and resolved against the spec file's folder.
public struct SpecPath: Sendable, Hashable, CustomStringConvertible {
    /// The text in the spec (`../../Runners/datakit`); what a normalized spec prints.
    public var written: String
    /// The absolute, standardized path; equal to ``written`` when that was absolute.
    public var resolved: String

    public init(written: String, resolved: String) {
        self.written = written
        self.resolved = resolved
    }

    public var description: String { written }
}

/// A named dataset of the pipeline (`inputs:` at the top level).
public struct PipelineInput: Sendable, Hashable {
    /// Where the data is: a CID already in IPFS, or a local file or folder added at submit time.
    public enum Source: Sendable, Hashable {
        case cid(CID)
        case path(SpecPath)
    }

    public var name: String
    public var source: Source
    /// Compute-to-data: the data must never move, so every task reading it runs only on a node
    /// that already holds it (`locality: required`). Only a CID can be private.
    public var isPrivate: Bool

    public init(name: String, source: Source, isPrivate: Bool = false) {
        self.name = name
        self.source = source
        self.isPrivate = isPrivate
    }
}

/// How a pipeline's outputs are added as CIDs (`import:`); every unset field means the default.
///
/// These are the CID-affecting settings of the UnixFS importer, kept here as plain values so that
/// the Pipeline module does not depend on UnixFS; the runner maps them onto an import profile.
public struct ImportSettings: Sendable, Hashable {
    /// DAG layout of files.
    public enum Layout: String, Sendable, Hashable, CaseIterable {
        case balanced, trickle
    }

    /// `0` or `1` (default 1).
    public var cidVersion: Int?
    /// Whether file leaves are raw blocks (default true).
    public var rawLeaves: Bool?
    /// Fixed chunk size in bytes, written `size-N` (default 262144).
    public var chunkSize: Int?
    public var layout: Layout?

    /// The largest chunk size accepted (1 MiB): boxo's `chunker.ChunkSizeLimit`, so that a block
    /// made here can travel to any IPFS implementation.
    public static let maximumChunkSize = 1 << 20

    public init(cidVersion: Int? = nil, rawLeaves: Bool? = nil, chunkSize: Int? = nil, layout: Layout? = nil) {
        self.cidVersion = cidVersion
        self.rawLeaves = rawLeaves
        self.chunkSize = chunkSize
        self.layout = layout
    }
}
