import IPLD

extension ProvenanceExport {
    /// The namespaces a Shoal PROV-JSON document declares.
    public static let provPrefixes: [(String, String)] = [
        ("ipfs", "ipfs://"),            // entities: data, tools, logs, recipes (ipfs:<cid>)
        ("step", "urn:shoal:step:"),    // activities: one per step (step:<step CID>)
        ("node", "did:key:"),           // agents: nodes (node:z6Mk…)
        ("shoal", "urn:shoal:ns#"),     // Shoal's own attributes and types
    ]

    /// The lineage of `cid` as a W3C PROV-JSON document (www.w3.org/submissions/prov-json).
    ///
    /// Mapping:
    /// - every data CID (inputs, tool, outputs, stdout, stderr) is an **entity** `ipfs:<cid>`;
    ///   every recipe is an entity of type `prov:Plan`;
    /// - every step read is an **activity** `step:<step CID>` with `prov:startTime`,
    ///   `prov:endTime` and its task, job, exit code and cached flag;
    /// - every node is an **agent** `node:<z6Mk…>` of type `prov:SoftwareAgent`;
    /// - `used` (step → input or tool, role `input NAME` / `tool`), `wasGeneratedBy` (output or
    ///   log → step, role `output NAME` / `stdout` / `stderr`, at the step's end),
    ///   `wasAssociatedWith` (step → node, with the recipe as plan) and `wasDerivedFrom`
    ///   (each output from each input and the tool, through the step).
    ///
    /// - Parameter maxDepth: As for ``Lineage/walk(from:source:index:maxDepth:)``; all by default.
    /// - Throws: only what the index throws; missing blocks simply contribute nothing.
    public static func provJSON(
        from cid: CID, source: any BlockSource, index: any ProvenanceIndex, maxDepth: Int? = nil
    ) throws -> String {
        let graph = try Lineage.walk(from: cid, source: source, index: index, maxDepth: maxDepth)
        return try DagJSON.string(provDocument(graph))
    }

    /// The PROV-JSON document of a lineage graph, as an IPLD value.
    public static func provDocument(_ graph: LineageGraph) -> IPLDValue {
        var document = PROVDocument()
        for node in graph.nodes {
            if node.kind == .data { document.entity(node.cid, type: "shoal:data") }
            if node.kind == .recipe { document.entity(node.cid, type: "prov:Plan") }
        }
        for node in graph.nodes where node.kind == .step {
            guard let step = node.step else { continue }
            document.add(step: node.cid, step, recipe: graph.node(.init(.recipe, step.recipe))?.recipe)
        }
        return document.value
    }
}

/// Builds a PROV-JSON document: records by kind, relation ids numbered per kind.
private struct PROVDocument {
    var entities = IPLDMap()
    var activities = IPLDMap()
    var agents = IPLDMap()
    var relations: [String: IPLDMap] = [:]
    var relationCount = 0

    var value: IPLDValue {
        var document: IPLDMap = [
            "prefix": .map(IPLDMap(ProvenanceExport.provPrefixes.map { ($0.0, IPLDValue.string($0.1)) })),
        ]
        if !entities.isEmpty { document["entity"] = .map(entities) }
        if !activities.isEmpty { document["activity"] = .map(activities) }
        if !agents.isEmpty { document["agent"] = .map(agents) }
        for (kind, records) in relations { document[kind] = .map(records) }
        return .map(document)
    }

    static func entityID(_ cid: CID) -> String { "ipfs:\(cid)" }
    static func activityID(_ cid: CID) -> String { "step:\(cid)" }

    /// A PROV qualified-name literal (`prov:type` values must be typed as names, not strings).
    static func qualifiedName(_ name: String) -> IPLDValue {
        ["$": .string(name), "type": "prov:QUALIFIED_NAME"]
    }

    mutating func entity(_ cid: CID, type: String) {
        let id = Self.entityID(cid)
        guard entities[id] == nil else { return }
        entities[id] = .map(["prov:type": Self.qualifiedName(type)])
    }

    /// Adds a relation record with a fresh blank-node id (`_:r1`, `_:r2`, … across all kinds,
    /// since PROV identifiers are unique within a document).
    mutating func relation(_ kind: String, _ attributes: IPLDMap) {
        relationCount += 1
        relations[kind, default: IPLDMap()]["_:r\(relationCount)"] = .map(attributes)
    }

    mutating func add(step cid: CID, _ step: Step, recipe: Recipe?) {
        let activity = Self.activityID(cid)
        var attributes: IPLDMap = [
            "prov:startTime": .string(step.started), "prov:endTime": .string(step.finished),
            "prov:label": .string(step.task), "shoal:job": .string(step.job), "shoal:exitCode": .int(step.exitCode),
        ]
        if step.isCached { attributes["shoal:cached"] = .bool(true) }
        activities[activity] = .map(attributes)

        var agent = "node:\(step.node)"
        if let key = try? DIDKey(step.node) { agent = "node:" + key.string.dropFirst(DIDKey.prefix.count) }
        agents[agent] = .map(["prov:type": Self.qualifiedName("prov:SoftwareAgent")])
        var association: IPLDMap = ["prov:activity": .string(activity), "prov:agent": .string(agent)]
        if recipe != nil { association["prov:plan"] = .string(Self.entityID(step.recipe)) }
        relation("wasAssociatedWith", association)

        var sources: [CID] = []
        if let recipe {
            var used: [(String, CID)] = []
            if let tool = recipe.tool { used.append(("tool", tool)) }
            for name in recipe.inputs.keys.sorted() { used.append(("input \(name)", recipe.inputs[name]!)) }
            for (role, input) in used {
                entity(input, type: "shoal:data")
                relation("used", ["prov:activity": .string(activity), "prov:entity": .string(Self.entityID(input)),
                                  "prov:role": .string(role)])
                sources.append(input)
            }
        }
        var generated = step.outputs.keys.sorted().map { ("output \($0)", step.outputs[$0]!, true) }
        generated += [("stdout", step.stdout, false), ("stderr", step.stderr, false)]
        for (role, output, derived) in generated {
            entity(output, type: derived ? "shoal:data" : "shoal:log")
            relation("wasGeneratedBy", ["prov:entity": .string(Self.entityID(output)), "prov:activity": .string(activity),
                                        "prov:time": .string(step.finished), "prov:role": .string(role)])
            guard derived else { continue }
            for source in sources {
                relation("wasDerivedFrom", ["prov:generatedEntity": .string(Self.entityID(output)),
                                            "prov:usedEntity": .string(Self.entityID(source)),
                                            "prov:activity": .string(activity)])
            }
        }
    }
}
