import BlockStore
import Foundation
import IPLD
import JobStore
import Orchestrator
import Provenance
import Sandbox
import ShoalTesting
import UnixFS
@testable import Worker

/// A node in a temporary home: repository, job store, identity and executor, plus helpers to
/// add tools and inputs and to build assignments the way the coordinator does.
final class ExecutorWorld: Sendable {
    let folder = TemporaryDirectory("worker")
    let home: String
    let repo: Repo
    let store: JobStore
    let identity: NodeIdentity
    let executor: StepExecutor

    init() throws {
        home = folder.file("home")
        repo = try Repo(home: home)
        store = try JobStore(home: home)
        identity = try NodeIdentity.loadOrCreate(home: home)
        executor = StepExecutor(repo: repo, index: store.provenanceIndex, identity: identity)
    }

    /// Adds a folder of files (name → text) and returns its CID.
    func addFolder(_ name: String, _ files: [String: String]) throws -> CID {
        try folder.mkdir("src/\(name)")
        for (file, text) in files { try folder.write("src/\(name)/\(file)", text: text) }
        return try repo.add(folder.file("src/\(name)"), AddRequest(options: ImportOptions(recursive: true))).cid
    }

    /// Adds one file and returns its CID.
    func addFile(_ name: String, _ text: String) throws -> CID {
        try folder.mkdir("src")
        try folder.write("src/\(name)", text: text)
        return try repo.add(folder.file("src/\(name)")).cid
    }

    /// An assignment for a recipe running `run` with this tool and inputs.
    func assignment(
        _ run: [String], tool: CID? = nil, inputs: [String: CID] = [:], outputs: [String] = ["out"],
        params: IPLDMap = [:], env: [String: String] = [:], limits: IPLDMap = ["network": .string("none")],
        cache: Bool = true, task: String = "t", job: String = "0000000001test", attempt: Int = 1, parents: [CID] = []
    ) throws -> StepAssignment {
        let recipe = Recipe(
            tool: tool, run: run, inputs: inputs, params: params, env: env, engine: Recipe.sandboxEngine, limits: limits)
        return try StepAssignment(
            jobID: job, taskID: task, attempt: attempt, recipe: recipe, outputs: outputs, cache: cache, parents: parents)
    }

    /// The CID an output folder holding these files gets (what the executor must report).
    func expectedCID(_ files: [String: String]) throws -> CID {
        let dir = TemporaryDirectory("expected")
        try dir.mkdir("out")
        for (file, text) in files { try dir.write("out/\(file)", text: text) }
        return try UnixFSImporter(profile: .shoalDefault, sink: DiscardingBlockSink())
            .importPath(dir.file("out"), options: ImportOptions(recursive: true, includeHidden: true)).cid
    }

    /// Reads a step block from the repository.
    func step(_ cid: CID) throws -> Step {
        try Step(block: Block(trusted: cid, bytes: try repo.block(cid)))
    }

    /// The text of a file CID.
    func text(_ cid: CID) throws -> String {
        String(decoding: try repo.unixfs.bytes(cid), as: UTF8.self)
    }

    /// Entries left in the scratch folder.
    func scratchEntries() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: home + "/work")) ?? []
    }
}

/// Whether this process can build sandboxes (the launcher needs root).
let canSandbox = geteuid() == 0
