import IPLD
import Pipeline
import Provenance
import UnixFS

/// How a step's outputs are added as CIDs: the pipeline's `import:` settings, as a Codable value
/// that travels with each ``StepAssignment`` (unset fields mean Shoal's defaults: CIDv1, raw
/// leaves, 256 KiB chunks, balanced layout).
public struct OutputImport: Sendable, Hashable, Codable {
    public var cidVersion: Int?
    public var rawLeaves: Bool?
    public var chunkSize: Int?
    /// `balanced` or `trickle`.
    public var layout: String?

    public init(cidVersion: Int? = nil, rawLeaves: Bool? = nil, chunkSize: Int? = nil, layout: String? = nil) {
        self.cidVersion = cidVersion
        self.rawLeaves = rawLeaves
        self.chunkSize = chunkSize
        self.layout = layout
    }

    /// The settings of a spec's `import:` (defaults when it has none).
    public init(_ settings: ImportSettings?) {
        self.init(
            cidVersion: settings?.cidVersion, rawLeaves: settings?.rawLeaves, chunkSize: settings?.chunkSize,
            layout: settings?.layout?.rawValue)
    }

    /// The UnixFS import profile these settings describe, with kubo's rules for what is unset
    /// (CIDv1 implies raw leaves unless they are turned off).
    ///
    /// - Throws: ``UnixFS/UnixFSError`` for a CID version or chunk size out of range.
    public func profile() throws -> ImportProfile {
        try ImportProfile(
            cidVersion: cidVersion, rawLeaves: rawLeaves, chunker: chunkSize.map { "size-\($0)" },
            trickle: layout == ImportSettings.Layout.trickle.rawValue)
    }
}

extension OutputImport {
    /// The settings as a recipe records them, resolved to the values the import will use, so a
    /// change of Shoal's defaults is a change of recipe rather than a silent cache hit.
    public func recipeValue() throws -> IPLDMap {
        let profile = try profile()
        return [
            "cidVersion": .int(Int(profile.cidVersion.rawValue)),
            "rawLeaves": .bool(profile.rawLeaves),
            "chunkSize": .int(profile.chunker.maxChunkSize),
            "layout": .string(profile.layout.rawValue),
        ]
    }
}

extension Recipe {
    /// The recipe of `task`, one of `spec`'s tasks, recording the spec's output import settings.
    public init(task: TaskSpec, in spec: PipelineSpec, tool: CID?, inputs: [String: CID]) throws {
        try self.init(task: task, tool: tool, inputs: inputs,
                      importSettings: try OutputImport(spec.importSettings).recipeValue())
    }
}
