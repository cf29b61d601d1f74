import Units
import Foundation
import IPLD
import Yams

extension SpecDecoder {
    static let taskFields = [
        "id", "tool", "run", "engine", "inputs", "params", "outputs", "resources", "network", "locality",
        "cache", "env", "retries", "constraints", "queueTimeout",
    ]
    static let resourceFields = ["cpu", "memory", "disk", "timeout", "pids"]
    static let maximumRetries = 100

    /// Decodes one task, canonical or FPS-shaped.
    func decodeTask(_ node: Node, index: Int) -> TaskSpec {
        let path = FieldPath.item("tasks", index)
        var task = TaskSpec(id: "", run: [])
        record(path, node)
        guard let fields = fields(of: node, path: path, known: Self.taskFields, required: ["id"], what: "a task") else {
            return task
        }
        func field(_ key: String) -> String { FieldPath.child(path, key) }

        if let node = fields["id"], let id = string(node, path: field("id"), what: "a task id") {
            task.id = id
            record(field("id"), node)
            if SpecNames.reservedTaskIDs.contains(id) {
                report("task id '\(id)' is reserved (from: \(id).X means something else)", at: node, path: field("id"))
            } else if !SpecNames.isValidTaskID(id) {
                report("task id '\(id)' is not valid: use \(SpecNames.taskIDRule)", at: node, path: field("id"))
            }
        }
        decodeCommand(fields, into: &task, path: path)
        if let node = fields["inputs"] { task.inputs = decodeTaskInputs(node, path: field("inputs")) }
        if let node = fields["params"] { task.params = decodeParams(node, path: field("params")) }
        if let node = fields["outputs"] {
            let (outputs, complete) = decodeOutputs(node, path: field("outputs"))
            task.outputs = outputs
            if !complete { tasksWithBrokenOutputs.insert(task.id) }
        }
        if let node = fields["resources"] { task.resources = decodeResources(node, path: field("resources")) }
        if let node = fields["network"], let value = choice(node, path: field("network"), as: NetworkPolicy.self) {
            task.network = value
        }
        if let node = fields["locality"], let value = choice(node, path: field("locality"), as: LocalityPolicy.self) {
            task.locality = value
            record(field("locality"), node)
        }
        if let node = fields["cache"], let value = bool(node, path: field("cache")) { task.cache = value }
        if let node = fields["env"] { task.env = decodeEnv(node, path: field("env")) }
        if let node = fields["retries"], let value = int(node, path: field("retries"), what: "a number of retries") {
            if (0...Self.maximumRetries).contains(value) {
                task.retries = value
            } else {
                report("retries must be between 0 and \(Self.maximumRetries), found \(value)", at: node, path: field("retries"))
            }
        }
        if let node = fields["constraints"] { task.constraints = decodeConstraints(node, path: field("constraints")) }
        if let node = fields["queueTimeout"] { task.queueTimeout = duration(node, path: field("queueTimeout")) }
        return task
    }

    // MARK: Tool and command

    /// `tool:` + `run:`, or the FPS `engine: {type: process, cid: ..., command: [...]}`.
    func decodeCommand(_ fields: Fields, into task: inout TaskSpec, path: String) {
        func field(_ key: String) -> String { FieldPath.child(path, key) }
        if let engine = fields["engine"] {
            for other in ["tool", "run"] where fields.has(other) {
                report("use either engine: or tool: with run:, not both", at: fields.keyNode(other)!, path: field(other))
            }
            decodeEngine(engine, into: &task, path: field("engine"))
            return
        }
        if let node = fields["tool"], let text = string(node, path: field("tool"), what: "a tool folder or CID") {
            switch classify(text, at: node, path: field("tool")) {
            case .cid(let cid): task.tool = .cid(cid)
            case .path: task.tool = localPath(text, at: node, path: field("tool"), kind: .folder).map(ToolRef.path)
            case nil: break
            }
        }
        guard let node = fields["run"] else {
            report("missing required field 'run' of a task (or an engine: with a command)", at: fields.node, path: field("run"))
            return
        }
        task.run = decodeArguments(node, path: field("run"), writtenPath: field("run"))
    }

    func decodeEngine(_ node: Node, into task: inout TaskSpec, path: String) {
        guard let fields = fields(of: node, path: path, known: ["type", "cid", "command"], required: ["type", "cid", "command"],
                                  what: "an engine") else { return }
        let canonicalPath = String(path.dropLast("engine".count))
        if let typeNode = fields["type"], let type = string(typeNode, path: path + ".type", what: "an engine type") {
            if type != "process" {
                report("unsupported engine type '\(type)': expected process", at: typeNode, path: path + ".type")
            }
        }
        if let cidNode = fields["cid"], let text = string(cidNode, path: path + ".cid", what: "the tool's CID") {
            task.tool = parseCID(text, at: cidNode, path: path + ".cid").map(ToolRef.cid)
        }
        if let command = fields["command"] {
            task.run = decodeArguments(command, path: canonicalPath + "run", writtenPath: path + ".command")
        }
    }

    /// A non-empty list of arguments; numbers and booleans count as their written text.
    func decodeArguments(_ node: Node, path: String, writtenPath: String) -> [String] {
        if tag(of: node) == .str {
            report("expected a list of arguments such as [python3, script.py]; for a shell line write [sh, -c, '...']",
                   at: node, path: writtenPath)
            return []
        }
        guard let items = sequence(node, path: writtenPath, what: "a command") else { return [] }
        record(path, node, writtenAs: writtenPath)
        if items.isEmpty { report("the command is empty: name a program to run", at: node, path: writtenPath) }
        return items.enumerated().compactMap { offset, item in
            let written = FieldPath.item(writtenPath, offset)
            record(FieldPath.item(path, offset), item, writtenAs: written)
            return scalarText(item, path: written, what: "a command argument (text)")
        }
    }

    // MARK: Inputs and outputs

    /// `NAME: {from: REF}` entries, or an FPS list of CIDs (each mounted at `/inputs/<cid>`).
    func decodeTaskInputs(_ node: Node, path: String) -> [TaskInput] {
        if case .sequence(let items) = node {
            var inputs: [TaskInput] = []
            for (offset, item) in items.enumerated() {
                let written = FieldPath.item(path, offset)
                guard let text = string(item, path: written, what: "a CID (an FPS inputs list holds CIDs)") else { continue }
                guard let cid = try? CID(text) else {
                    report("'\(text)' is not a CID: an FPS inputs list holds CIDs only "
                           + "(name local data in the pipeline's inputs: and read it with {from: inputs.NAME})",
                           at: item, path: written)
                    continue
                }
                guard inputs.allSatisfy({ $0.name != text }) else {
                    report("input \(text) is listed twice", at: item, path: written)
                    continue
                }
                inputs.append(TaskInput(name: text, source: .pipelineInput(text)))
                record(FieldPath.child(FieldPath.child(path, text), "from"), item, writtenAs: written)
                liftedInputs.append((text, cid, written, item))
            }
            return inputs
        }
        guard let entries = namedEntries(of: node, path: path, what: "named inputs such as data: {from: inputs.corpus}") else {
            return []
        }
        var inputs: [TaskInput] = []
        for (name, keyNode, value) in entries {
            let inputPath = FieldPath.child(path, name)
            if !SpecNames.isValidDataName(name) {
                report("input name '\(name)' is not valid: use \(SpecNames.dataNameRule)", at: keyNode, path: inputPath)
            }
            guard let fields = fields(of: value, path: inputPath, known: ["from"], required: ["from"],
                                      what: "a task input such as {from: inputs.corpus}"),
                  let fromNode = fields["from"] else { continue }
            let fromPath = FieldPath.child(inputPath, "from")
            record(fromPath, fromNode)
            guard let text = string(fromNode, path: fromPath, what: "inputs.NAME or TASK.OUTPUT") else { continue }
            guard let ref = InputRef(parsing: text) else {
                report("'\(text)' is not a reference: expected inputs.NAME or TASK.OUTPUT", at: fromNode, path: fromPath)
                continue
            }
            inputs.append(TaskInput(name: name, source: ref))
        }
        return inputs
    }

    /// Output names, or FPS `{name: N, cid: auto}` items. Also says whether every item was read.
    func decodeOutputs(_ node: Node, path: String) -> (names: [String], complete: Bool) {
        guard let items = sequence(node, path: path, what: "output names") else { return ([], false) }
        var names: [String] = []
        var complete = true
        for (offset, item) in items.enumerated() {
            let itemPath = FieldPath.item(path, offset)
            var nameNode = item
            var namePath = itemPath
            if case .mapping = item {
                guard let fields = fields(of: item, path: itemPath, known: ["name", "cid"], required: ["name"],
                                          what: "an output such as {name: model, cid: auto}"),
                      let node = fields["name"] else { complete = false; continue }
                if let cidNode = fields["cid"], string(cidNode, path: itemPath + ".cid", what: "auto") != "auto" {
                    if tag(of: cidNode) == .str {
                        report("an output's CID is computed when the task runs: write cid: auto", at: cidNode, path: itemPath + ".cid")
                    }
                }
                nameNode = node
                namePath = itemPath + ".name"
            }
            guard let name = string(nameNode, path: namePath, what: "an output name") else { complete = false; continue }
            if !SpecNames.isValidDataName(name) {
                report("output name '\(name)' is not valid: use \(SpecNames.dataNameRule)", at: nameNode, path: namePath)
                complete = false
            } else if names.contains(name) {
                report("output '\(name)' is declared twice", at: nameNode, path: namePath)
            } else {
                names.append(name)
            }
        }
        return (names, complete)
    }

    // MARK: Limits and placement

    func decodeResources(_ node: Node, path: String) -> Resources {
        var resources = Resources()
        guard let fields = fields(of: node, path: path, known: Self.resourceFields, what: "resources") else { return resources }
        func field(_ key: String) -> String { FieldPath.child(path, key) }
        if let node = fields["cpu"], let cpu = number(node, path: field("cpu"), what: "a number of CPU cores such as 1 or 0.5") {
            if cpu > 0 { resources.cpu = cpu } else { report("cpu must be more than 0", at: node, path: field("cpu")) }
        }
        if let node = fields["memory"] { resources.memory = byteSize(node, path: field("memory")) }
        if let node = fields["disk"] { resources.disk = byteSize(node, path: field("disk")) }
        if let node = fields["timeout"] { resources.timeout = duration(node, path: field("timeout")) }
        if let node = fields["pids"], let pids = int(node, path: field("pids"), what: "a number of processes") {
            if pids >= 1 { resources.pids = pids } else { report("pids must be at least 1", at: node, path: field("pids")) }
        }
        return resources
    }

    /// A positive size: `512MiB`, or a plain integer number of bytes.
    func byteSize(_ node: Node, path: String) -> ByteSize? {
        let size: ByteSize
        if tag(of: node) == .int, let bytes = int(node, path: path) {
            guard bytes >= 0 else { report("a size cannot be negative", at: node, path: path); return nil }
            size = ByteSize(bytes: Int64(bytes))
        } else {
            guard let text = string(node, path: path, what: "a size such as 512MiB") else { return nil }
            do { size = try ByteSize(parsing: text) } catch { report(error.message, at: node, path: path); return nil }
        }
        guard size.bytes > 0 else { report("a size must be more than 0", at: node, path: path); return nil }
        return size
    }

    /// A positive duration such as `10m`.
    func duration(_ node: Node, path: String) -> DurationSpec? {
        guard let text = string(node, path: path, what: "a duration such as 30s, 10m or 1h30m") else { return nil }
        do {
            let duration = try DurationSpec(parsing: text)
            guard duration.milliseconds > 0 else { report("a duration must be more than 0", at: node, path: path); return nil }
            return duration
        } catch {
            report(error.message, at: node, path: path)
            return nil
        }
    }

    func decodeEnv(_ node: Node, path: String) -> [String: String] {
        guard let entries = namedEntries(of: node, path: path, what: "environment variables") else { return [:] }
        var env: [String: String] = [:]
        for (name, keyNode, value) in entries {
            let entryPath = FieldPath.child(path, name)
            if !SpecNames.isValidEnvName(name) {
                report("environment variable name '\(name)' is not valid: use \(SpecNames.envNameRule)", at: keyNode, path: entryPath)
            }
            record(entryPath, value)
            if let text = scalarText(value, path: entryPath, what: "a value (text)") { env[name] = text }
        }
        return env
    }

    func decodeConstraints(_ node: Node, path: String) -> [LabelConstraint] {
        guard let items = sequence(node, path: path, what: "label constraints") else { return [] }
        return items.enumerated().compactMap { offset, item in
            let itemPath = FieldPath.item(path, offset)
            guard let text = string(item, path: itemPath, what: "a constraint such as region=eu") else { return nil }
            guard let constraint = LabelConstraint(parsing: text) else {
                report("constraint '\(text)' is not valid: \(LabelConstraint.expected)", at: item, path: itemPath)
                return nil
            }
            return constraint
        }
    }
}
