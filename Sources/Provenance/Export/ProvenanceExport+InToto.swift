import IPLD

extension ProvenanceExport {
    /// The `_type` of in-toto Statement v1.
    public static let statementType = "https://in-toto.io/Statement/v1"
    /// The predicate type of SLSA provenance v1.
    public static let slsaPredicateType = "https://slsa.dev/provenance/v1"
    /// The SLSA `buildType` of a step run from a Shoal recipe: the parameters below are those of
    /// a `shoal.recipe/1` object.
    public static let buildType = "urn:shoal:build-type:recipe:1"

    /// A step as an in-toto Statement v1 with a SLSA provenance v1 predicate, in a DSSE envelope
    /// signed by `signer`.
    ///
    /// - Parameters:
    ///   - step: A step, an attestation of one, or an output of one.
    ///   - signer: The key that signs the envelope (`keyid` is its did:key).
    /// - Throws: ``ProvenanceError/Code/exportFailed`` when the step or recipe cannot be read,
    ///   or an output is not a sha2-256 CID (a subject needs a sha256 digest).
    public static func inToto(
        step: CID, source: any BlockSource, index: any ProvenanceIndex, signer: NodeIdentity
    ) throws -> DSSEEnvelope {
        let statement = try inTotoStatement(step: step, source: source, index: index)
        return try DSSEEnvelope(signing: DagJSON.encode(statement), payloadType: DSSEEnvelope.inTotoPayloadType, with: signer)
    }

    /// The statement ``inToto(step:source:index:signer:)`` signs, as an IPLD value (written
    /// as JSON with dag-json's deterministic encoder).
    ///
    /// ```json
    /// { "_type": "https://in-toto.io/Statement/v1",
    ///   "subject": [ { "name": "model", "uri": "ipfs://bafy…", "digest": { "sha256": "…" },
    ///                  "annotations": { "cid": "bafy…" } } ],
    ///   "predicateType": "https://slsa.dev/provenance/v1",
    ///   "predicate": {
    ///     "buildDefinition": { "buildType": "urn:shoal:build-type:recipe:1",
    ///       "externalParameters": { "run": […], "params": {…}, "env": {…} },
    ///       "internalParameters": { "engine": "shoal-sandbox/1", "limits": {…}, "recipe": "bafy…" },
    ///       "resolvedDependencies": [ { "name": "tool", "uri": "ipfs://bafy…", "digest": {…} }, … ] },
    ///     "runDetails": { "builder": { "id": "did:key:z6Mk…" },
    ///       "metadata": { "invocationId": "<step CID>", "startedOn": "…", "finishedOn": "…" },
    ///       "byproducts": [ { "name": "stdout", … }, { "name": "stderr", … } ] } } }
    /// ```
    ///
    /// Each subject's `sha256` is the digest inside the output's CID: the hash of the output's
    /// root block (for a folder, its UnixFS directory node), which names the whole DAG. Inputs
    /// are named `inputs/<name>`; job, task and cached status go in `externalParameters`.
    public static func inTotoStatement(step: CID, source: any BlockSource, index: any ProvenanceIndex) throws -> IPLDValue {
        let stepCID = try resolveStep(step, source: source, index: index)
        let step = try read(Step.self, stepCID, from: source)
        let recipe = try read(Recipe.self, step.recipe, from: source)
        var subjects: [IPLDValue] = []
        for name in step.outputs.keys.sorted() {
            let cid = step.outputs[name]!
            guard let digest = sha256Hex(cid) else {
                throw ProvenanceError(.exportFailed, "output '\(name)' (\(cid)) is not a sha2-256 CID; in-toto subjects need a sha256 digest")
            }
            subjects.append(resourceDescriptor(name: name, cid: cid, digest: digest))
        }
        var dependencies: [IPLDValue] = []
        if let tool = recipe.tool { dependencies.append(resourceDescriptor(name: "tool", cid: tool, digest: sha256Hex(tool))) }
        for name in recipe.inputs.keys.sorted() {
            let cid = recipe.inputs[name]!
            dependencies.append(resourceDescriptor(name: "inputs/\(name)", cid: cid, digest: sha256Hex(cid)))
        }
        var external: IPLDMap = [
            "run": .list(recipe.run.map(IPLDValue.string)),
            "params": .map(recipe.params),
            "env": .map(IPLDMap(recipe.env.map { ($0.key, IPLDValue.string($0.value)) })),
            "job": .string(step.job),
            "task": .string(step.task),
        ]
        if step.isCached { external["cached"] = .bool(true) }
        let buildDefinition: IPLDValue = [
            "buildType": .string(buildType),
            "externalParameters": .map(external),
            "internalParameters": [
                "engine": .string(recipe.engine), "limits": .map(recipe.limits), "recipe": .string(step.recipe.string),
            ],
            "resolvedDependencies": .list(dependencies),
        ]
        let runDetails: IPLDValue = [
            "builder": ["id": .string(step.node)],
            "metadata": [
                "invocationId": .string(stepCID.string),
                "startedOn": .string(step.started),
                "finishedOn": .string(step.finished),
            ],
            "byproducts": [
                resourceDescriptor(name: "stdout", cid: step.stdout, digest: sha256Hex(step.stdout)),
                resourceDescriptor(name: "stderr", cid: step.stderr, digest: sha256Hex(step.stderr)),
            ],
        ]
        return [
            "_type": .string(statementType),
            "subject": .list(subjects),
            "predicateType": .string(slsaPredicateType),
            "predicate": ["buildDefinition": buildDefinition, "runDetails": runDetails],
        ]
    }

    /// An in-toto ResourceDescriptor for a CID: `ipfs://` URI, sha256 digest, `cid` annotation.
    static func resourceDescriptor(name: String, cid: CID, digest: String?) -> IPLDValue {
        var map: IPLDMap = [
            "name": .string(name), "uri": .string("ipfs://\(cid)"), "annotations": ["cid": .string(cid.string)],
        ]
        if let digest { map["digest"] = ["sha256": .string(digest)] }
        return .map(map)
    }
}
