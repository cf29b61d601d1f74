import Foundation
import IPLD
import Yams

extension SpecDecoder {
    static let pipelineFields = ["version", "name", "inputs", "import", "tasks"]

    /// Decodes the whole document.
    func decodePipeline(_ root: Node, defaultName: String) -> PipelineSpec {
        let fallbackName = SpecNames.isValidDataName(defaultName) ? defaultName : "pipeline"
        var spec = PipelineSpec(name: fallbackName, tasks: [])
        guard let fields = fields(of: root, path: "", known: Self.pipelineFields, required: ["version", "tasks"],
                                  what: "a pipeline spec") else { return spec }
        if let node = fields["version"], let version = int(node, path: "version", what: "the format version 1") {
            if version != PipelineSpec.currentVersion {
                report("unsupported version \(version): expected 1", at: node, path: "version")
            }
        }
        if let node = fields["name"], let name = string(node, path: "name", what: "a pipeline name") {
            if SpecNames.isValidDataName(name) {
                spec.name = name
            } else {
                report("pipeline name '\(name)' is not valid: use \(SpecNames.dataNameRule)", at: node, path: "name")
            }
        }
        if let node = fields["inputs"] { spec.inputs = decodePipelineInputs(node) }
        if let node = fields["import"] { spec.importSettings = decodeImportSettings(node) }
        if let node = fields["tasks"], let items = sequence(node, path: "tasks", what: "the tasks") {
            if items.isEmpty { report("a pipeline needs at least one task", at: node, path: "tasks") }
            spec.tasks = items.enumerated().map { decodeTask($0.element, index: $0.offset) }
        }
        mergeLiftedInputs(into: &spec)
        return spec
    }

    // MARK: Datasets

    func decodePipelineInputs(_ node: Node) -> [PipelineInput] {
        guard let entries = namedEntries(of: node, path: "inputs", what: "named datasets") else { return [] }
        var inputs: [PipelineInput] = []
        for (name, keyNode, value) in entries {
            let path = FieldPath.child("inputs", name)
            if !SpecNames.isValidDataName(name) {
                report("input name '\(name)' is not valid: use \(SpecNames.dataNameRule)", at: keyNode, path: path)
            }
            record(path, value)
            if let input = decodePipelineInput(name: name, node: value, path: path) { inputs.append(input) }
        }
        return inputs
    }

    /// `NAME: <CID or path>` or `NAME: {cid: X | path: Y, private: true}`.
    func decodePipelineInput(name: String, node: Node, path: String) -> PipelineInput? {
        if case .mapping = node {
            guard let fields = fields(of: node, path: path, known: ["cid", "path", "private"],
                                      what: "a dataset") else { return nil }
            let isPrivate = fields["private"].flatMap { bool($0, path: FieldPath.child(path, "private")) } ?? false
            switch (fields["cid"], fields["path"]) {
            case (let cidNode?, nil):
                guard let text = string(cidNode, path: FieldPath.child(path, "cid"), what: "a CID"),
                      let cid = parseCID(text, at: cidNode, path: FieldPath.child(path, "cid")) else { return nil }
                return PipelineInput(name: name, source: .cid(cid), isPrivate: isPrivate)
            case (nil, let pathNode?):
                let fieldPath = FieldPath.child(path, "path")
                guard let text = string(pathNode, path: fieldPath, what: "a local path") else { return nil }
                if isPrivate {
                    report("a private input must be a CID already held by a worker: a local path would be uploaded, "
                           + "so the data would move", at: fields.keyNode("private")!, path: FieldPath.child(path, "private"))
                }
                guard let resolved = localPath(text, at: pathNode, path: fieldPath, kind: .fileOrFolder) else { return nil }
                return PipelineInput(name: name, source: .path(resolved), isPrivate: isPrivate)
            case (_?, _?):
                report("give either cid or path, not both", at: node, path: path)
                return nil
            case (nil, nil):
                report("missing field 'cid' or 'path' of a dataset", at: node, path: path)
                return nil
            }
        }
        guard let text = string(node, path: path, what: "a CID, a local path or {cid: ..., private: true}") else { return nil }
        switch classify(text, at: node, path: path) {
        case .cid(let cid): return PipelineInput(name: name, source: .cid(cid))
        case .path: break
        case nil: return nil
        }
        guard let resolved = localPath(text, at: node, path: path, kind: .fileOrFolder) else { return nil }
        return PipelineInput(name: name, source: .path(resolved))
    }

    /// FPS inputs lists name datasets by CID only; they become pipeline inputs named by their CID.
    func mergeLiftedInputs(into spec: inout PipelineSpec) {
        for lifted in liftedInputs {
            if let existing = spec.input(named: lifted.name) {
                if existing.source != .cid(lifted.cid) {
                    report("input '\(lifted.name)' is already a pipeline input with a different source", at: lifted.node, path: lifted.path)
                }
                continue
            }
            spec.inputs.append(PipelineInput(name: lifted.name, source: .cid(lifted.cid)))
            record(FieldPath.child("inputs", lifted.name), lifted.node, writtenAs: lifted.path)
        }
    }

    // MARK: CIDs and paths

    enum Reference {
        case cid(CID)
        case path
    }

    /// Tells a CID from a local path: text that parses as a CID is one; text that looks like one
    /// (`Qm…`, `baf…`, no slash) but does not parse is reported, since it is surely a typo rather
    /// than a file name. Anything else is a path (write `./bafy…` for a file with such a name).
    func classify(_ text: String, at node: Node, path: String) -> Reference? {
        if let cid = try? CID(text) { return .cid(cid) }
        let looksLikeCID = !text.contains("/") && !text.contains(".") && text.count >= 46
            && (text.hasPrefix("Qm") || text.hasPrefix("baf"))
        if looksLikeCID {
            _ = parseCID(text, at: node, path: path)
            return nil
        }
        return .path
    }

    func parseCID(_ text: String, at node: Node, path: String) -> CID? {
        do {
            return try CID(text)
        } catch {
            let message = (error as? IPLDError)?.message ?? "\(error)"
            report("malformed CID: \(message)", at: node, path: path)
            return nil
        }
    }

    enum PathKind { case folder, fileOrFolder }

    /// Resolves a local path against the spec's folder and, if asked, checks it exists.
    func localPath(_ text: String, at node: Node, path: String, kind: PathKind) -> SpecPath? {
        guard options.allowsLocalPaths, let baseDirectory else {
            report("local paths are not accepted here: add '\(text)' to the store and use its CID", at: node, path: path)
            return nil
        }
        guard !text.isEmpty else {
            report("expected a path, found an empty string", at: node, path: path)
            return nil
        }
        let url = text.hasPrefix("/") ? URL(fileURLWithPath: text) : baseDirectory.appendingPathComponent(text)
        let resolved = url.standardizedFileURL.path
        if options.checksPathsExist {
            var isFolder: ObjCBool = false
            let what = kind == .folder ? "tool folder" : "input"
            if !FileManager.default.fileExists(atPath: resolved, isDirectory: &isFolder) {
                report("\(what) '\(text)' does not exist (resolved to \(resolved))", at: node, path: path)
                return nil
            }
            if kind == .folder, !isFolder.boolValue {
                report("tool '\(text)' is a file, but a tool is a folder (mounted at /tool); put the file in a folder",
                       at: node, path: path)
                return nil
            }
        }
        return SpecPath(written: text, resolved: resolved)
    }

    // MARK: Import settings

    func decodeImportSettings(_ node: Node) -> ImportSettings? {
        guard let fields = fields(of: node, path: "import", known: ["cidVersion", "rawLeaves", "chunker", "layout"],
                                  what: "import settings") else { return nil }
        var settings = ImportSettings()
        if let node = fields["cidVersion"], let version = int(node, path: "import.cidVersion", what: "0 or 1") {
            if version == 0 || version == 1 {
                settings.cidVersion = version
            } else {
                report("unsupported CID version \(version): expected 0 or 1", at: node, path: "import.cidVersion")
            }
        }
        if let node = fields["rawLeaves"] { settings.rawLeaves = bool(node, path: "import.rawLeaves") }
        if let node = fields["chunker"], let text = string(node, path: "import.chunker", what: "a chunker such as size-262144") {
            let size = text.hasPrefix("size-") ? Int(text.dropFirst(5)) : nil
            if let size, size > 0, size <= ImportSettings.maximumChunkSize {
                settings.chunkSize = size
            } else {
                report("chunker '\(text)' is not valid: expected size-N with 1 <= N <= \(ImportSettings.maximumChunkSize)",
                       at: node, path: "import.chunker")
            }
        }
        if let node = fields["layout"] { settings.layout = choice(node, path: "import.layout", as: ImportSettings.Layout.self) }
        return settings
    }
}
