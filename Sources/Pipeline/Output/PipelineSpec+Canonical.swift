import Yams

/// The canonical form of a spec: what `shoal validate --normalize` prints.
///
/// Any accepted spec, canonical or FPS-shaped, YAML or JSON, prints the same way: fields in a
/// fixed order, defaults left out (`network: none`, `locality: preferred`, `cache: true`,
/// `retries: 0`), sizes and durations in their canonical spelling (`1024MiB` as `1GiB`,
/// `90m` as `1h30m`), FPS shapes rewritten (`engine:` as `tool:` + `run:`, `{name: N, cid: auto}`
/// as `N`, a list of input CIDs as named inputs reading pipeline inputs named by those CIDs).
/// Paths print as written, so a normalized spec is valid in the original spec's folder.
/// Loading the canonical form gives back an equal ``PipelineSpec``.
extension PipelineSpec {
    /// The spec as a plain ordered document (maps keep the canonical field order).
    public var canonicalDocument: SpecValue {
        var root = SpecMap()
        root["version"] = .int(version)
        root["name"] = .string(name)
        if !inputs.isEmpty {
            var map = SpecMap()
            for input in inputs { map[input.name] = input.canonicalValue }
            root["inputs"] = .map(map)
        }
        if let importSettings, importSettings != ImportSettings() { root["import"] = .map(importSettings.canonicalMap) }
        root["tasks"] = .list(tasks.map { .map($0.canonicalMap) })
        return .map(root)
    }

    /// The canonical YAML text, ending with a newline.
    ///
    /// - Throws: ``PipelineError`` only if the YAML emitter fails, which valid text never makes it do.
    public func canonicalYAML() throws(PipelineError) -> String {
        do {
            let text = try Yams.serialize(node: canonicalDocument.yamlNode(depth: 0, constructor: .default), indent: 2, width: -1, allowUnicode: true)
            return text.hasSuffix("\n") ? text : text + "\n"
        } catch {
            throw PipelineError(.invalidSpec, "cannot print the spec as YAML: \(error)")
        }
    }
}

extension PipelineSpec: Encodable {
    /// Encodes the ``canonicalDocument``, so JSON output is itself a valid spec.
    public func encode(to encoder: any Encoder) throws {
        try canonicalDocument.encode(to: encoder)
    }
}

extension PipelineInput {
    var canonicalValue: SpecValue {
        let text: String
        switch source {
        case .cid(let cid): text = cid.string
        case .path(let path): text = path.written
        }
        guard isPrivate else { return .string(text) }
        // Only a CID can be private; a path never reaches here in a validated spec.
        return .map(["cid": .string(text), "private": .bool(true)])
    }
}

extension ImportSettings {
    var canonicalMap: SpecMap {
        var map = SpecMap()
        if let cidVersion { map["cidVersion"] = .int(cidVersion) }
        if let rawLeaves { map["rawLeaves"] = .bool(rawLeaves) }
        if let chunkSize { map["chunker"] = .string("size-\(chunkSize)") }
        if let layout { map["layout"] = .string(layout.rawValue) }
        return map
    }
}

extension TaskSpec {
    var canonicalMap: SpecMap {
        var map = SpecMap()
        map["id"] = .string(id)
        if let tool { map["tool"] = .string(tool.description) }
        map["run"] = .list(run.map(SpecValue.string))
        if !inputs.isEmpty {
            var inputMap = SpecMap()
            for input in inputs { inputMap[input.name] = .map(["from": .string(input.source.description)]) }
            map["inputs"] = .map(inputMap)
        }
        if !params.isEmpty { map["params"] = .map(params) }
        if !outputs.isEmpty { map["outputs"] = .list(outputs.map(SpecValue.string)) }
        if !resources.isEmpty { map["resources"] = .map(resources.canonicalMap) }
        if network != .none { map["network"] = .string(network.rawValue) }
        if locality != .preferred { map["locality"] = .string(locality.rawValue) }
        if !cache { map["cache"] = .bool(false) }
        if !env.isEmpty {
            var envMap = SpecMap()
            for name in env.keys.sorted() { envMap[name] = .string(env[name]!) }
            map["env"] = .map(envMap)
        }
        if retries != 0 { map["retries"] = .int(retries) }
        if !constraints.isEmpty { map["constraints"] = .list(constraints.map { .string($0.description) }) }
        if let queueTimeout { map["queueTimeout"] = .string(queueTimeout.description) }
        return map
    }
}

extension Resources {
    var canonicalMap: SpecMap {
        var map = SpecMap()
        if let cpu { map["cpu"] = cpu == cpu.rounded() && abs(cpu) < 1e15 ? .int(Int(cpu)) : .float(cpu) }
        if let memory { map["memory"] = .string(memory.description) }
        if let disk { map["disk"] = .string(disk.description) }
        if let timeout { map["timeout"] = .string(timeout.description) }
        if let pids { map["pids"] = .int(pids) }
        return map
    }
}

// MARK: Printing values

extension SpecValue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .int(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .float(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .list(let values):
            var container = encoder.unkeyedContainer()
            for value in values { try container.encode(value) }
        case .map(let map):
            var container = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in map { try container.encode(value, forKey: AnyKey(key)) }
        }
    }

    /// A YAML node: scalar-only lists in flow style (`[a, b]`), and scalar-only maps in flow style
    /// from depth 3 on (`{from: inputs.x}`, `{cpu: 1, memory: 512MiB}`), so a spec reads like the
    /// examples; strings that would read back as another type are quoted.
    ///
    /// Every node's tag shares `constructor`: building Yams' default one per tag (its maps of
    /// constructors) cost more than the rest of printing a spec.
    func yamlNode(depth: Int, constructor: Constructor) -> Node {
        func tag(_ name: Tag.Name) -> Tag { Tag(name, .default, constructor) }
        switch self {
        case .string(let value):
            return .scalar(.init(value, tag(.str), Self.stringStyle(value)))
        case .int(let value):
            return .scalar(.init(String(value), tag(.int), .plain))
        case .float(let value):
            return .scalar(.init(Self.yamlFloat(value), tag(.float), .plain))
        case .bool(let value):
            return .scalar(.init(value ? "true" : "false", tag(.bool), .plain))
        case .list(let values):
            let style: Node.Sequence.Style = values.allSatisfy(\.isScalar) ? .flow : .block
            return .sequence(.init(values.map { $0.yamlNode(depth: depth + 1, constructor: constructor) }, tag(.seq), style))
        case .map(let map):
            let flow = depth >= 3 && map.allSatisfy { $0.value.isScalar }
            let pairs = map.map { (Node.scalar(.init($0.key, tag(.str), Self.stringStyle($0.key))),
                                   $0.value.yamlNode(depth: depth + 1, constructor: constructor)) }
            return .mapping(.init(pairs, tag(.map), flow ? .flow : .block))
        }
    }

    /// Single quotes for text that would read back as another type (`'5'`, `'no'`) or that holds
    /// spaces (so a shell line reads as one argument); plain otherwise. The emitter still picks a
    /// quoted style by itself when plain text would not parse back.
    static func stringStyle(_ text: String) -> Node.Scalar.Style {
        containsWhitespace(text) || SpecResolver.needsQuotes(text) ? .singleQuoted : .plain
    }

    /// `text.contains(where: \.isWhitespace)`, answered from the bytes for ASCII text (walking
    /// `Character`s to ask each one cost more than the rest of printing a string).
    static func containsWhitespace(_ text: String) -> Bool {
        var ascii = true
        for byte in text.utf8 {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return true }
            if byte >= 0x80 { ascii = false }
        }
        return ascii ? false : text.contains(where: \.isWhitespace)
    }

    /// Swift's shortest round-trip spelling, with a `.0` added before an exponent (`1e-05` becomes
    /// `1.0e-05`) so that YAML 1.1 readers also see a float.
    static func yamlFloat(_ value: Double) -> String {
        let text = value.description
        guard !text.contains("."), let exponent = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        return text[..<exponent] + ".0" + text[exponent...]
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
