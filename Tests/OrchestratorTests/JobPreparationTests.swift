import BlockStore
import Foundation
import IPLD
import JobStore
import Pipeline
import ShoalTesting
import Provenance
import Testing
import UnixFS
@testable import Orchestrator

struct JobPreparationTests {
    /// A folder with a spec, a tool folder and a data file, and a repository beside them.
    struct World {
        let folder = TemporaryDirectory("prepare")
        let repo: Repo

        init(input: String = "data.txt") throws {
            try folder.mkdir("tool")
            try folder.write("tool/run.sh", text: "echo hi\n")
            try folder.write("data.txt", text: "one\ntwo\n")
            try folder.mkdir("home")
            repo = try Repo(home: folder.file("home"))
        }

        func spec(input: String = "data.txt", extra: String = "") throws -> PipelineSpec {
            try folder.write("p-\(input.count)-\(extra.count).yaml", text: """
                version: 1
                name: prep
                inputs:
                  corpus: \(input)
                \(extra)
                tasks:
                  - id: count
                    tool: tool
                    run: [sh, run.sh]
                    inputs: {corpus: {from: inputs.corpus}}
                    outputs: [n]
                """)
            return try SpecLoader.load(contentsOf: URL(fileURLWithPath: folder.file("p-\(input.count)-\(extra.count).yaml")))
        }
    }

    @Test func localPathsAreAddedPinnedAndReplacedByCIDs() throws {
        let world = try World()
        let prepared = try JobPreparation(repo: world.repo).prepare(try world.spec())
        let expectedData = try UnixFSImporter(profile: .shoalDefault, sink: DiscardingBlockSink())
            .importPath(world.folder.file("data.txt")).cid
        #expect(prepared.inputs == ["corpus": expectedData])
        let tool = try #require(prepared.tools["count"])
        #expect(try world.repo.unixfs.bytes(try world.repo.unixfs.resolve("\(tool)/run.sh")) == Array("echo hi\n".utf8))
        #expect(prepared.spec.tasks[0].tool == .cid(tool))
        #expect(prepared.spec.inputs[0].source == .cid(expectedData))
        let pinned = Set(try world.repo.pins().map(\.cid))
        #expect(pinned == [expectedData, tool])
        #expect(prepared.addedBytes == 16)
    }

    @Test func theSpecsImportSettingsApply() throws {
        let world = try World()
        let prepared = try JobPreparation(repo: world.repo).prepare(try world.spec(extra: "import: {cidVersion: 0}"))
        #expect(prepared.inputs["corpus"]?.version == .v0)
    }

    @Test func anUnknownCIDFailsBeforeAnythingIsStored() throws {
        let world = try World()
        let missing = testCID(77)
        #expect {
            try JobPreparation(repo: world.repo).prepare(try world.spec(input: missing.string))
        } throws: { error in
            guard let error = error as? OrchestratorError else { return false }
            return error.code == .unknownCID && error.message.hasPrefix("input 'corpus' \(missing) is not in the local store")
        }
        #expect(try world.repo.pins().isEmpty)
        #expect(try world.repo.statistics().blocks == 0)
    }

    @Test func anIncompleteCIDInputFailsAndPinsNothing() throws {
        let world = try World()
        // A directory whose root is here but whose file block is not.
        let file = Block(bytes: Array("gone".utf8), codec: .raw)
        let root = try world.repo.write { writer -> CID in
            let node = PBNode(links: [PBLink(hash: file.cid, name: "f", tsize: 4)], data: UnixFSData(type: .directory).encoded())
            let block = Block(bytes: node.encoded(), codec: .dagPB)
            try writer.put(block)
            return block.cid
        }
        #expect(throws: OrchestratorError.self) { try JobPreparation(repo: world.repo).prepare(try world.spec(input: root.string)) }
        #expect(try world.repo.pins().isEmpty)
    }

    @Test func addingLocalPathsLeavesCIDsThatAreNotHereAlone() throws {
        let world = try World()
        // The pool case: the input is a CID a worker holds, the tool a local folder.
        let remote = testCID(77)
        let prepared = try JobPreparation(repo: world.repo).addLocalPaths(try world.spec(input: remote.string))
        let tool = try #require(prepared.tools["count"])
        #expect(prepared.inputs == ["corpus": remote])
        #expect(prepared.addedRoots == [tool])
        #expect(try world.repo.pins().map(\.cid) == [tool])
        #expect(prepared.spec.tasks[0].tool == .cid(tool))
        // Both paths added, each once, with the same CIDs prepare gives.
        let local = try world.spec()
        let both = try JobPreparation(repo: world.repo).addLocalPaths(local)
        let full = try JobPreparation.hashOnly(local)
        #expect(Set(both.addedRoots) == [full.inputs["corpus"]!, full.tools["count"]!])
        #expect(both.addedRoots.count == 2)
    }

    @Test func hashOnlyGivesTheSameCIDsAndStoresNothing() throws {
        let world = try World()
        let spec = try world.spec()
        let hashed = try JobPreparation.hashOnly(spec)
        #expect(try world.repo.statistics().blocks == 0)
        let prepared = try JobPreparation(repo: world.repo).prepare(spec)
        #expect(hashed.inputs == prepared.inputs)
        #expect(hashed.tools == prepared.tools)
    }

    @Test func submittingStoresTheResolvedJob() throws {
        let world = try World()
        let store = try JobStore(home: world.folder.file("home"))
        let prepared = try JobPreparation(repo: world.repo).prepare(try world.spec())
        let job = try prepared.submit(to: store, specFile: "p.yaml", options: JobOptions(keepGoing: true))
        let stored = try store.job(job.id)
        #expect(stored.tools == prepared.tools)
        #expect(stored.options.keepGoing)
        #expect(try StoredSpec.decode(stored.spec, job: job.id) == prepared.spec)
        let task = try store.task(job: job.id, id: "count")
        // The task reads only a pipeline input, so its recipe key is known at submit time.
        let recipe = try Recipe(task: prepared.spec.tasks[0], in: prepared.spec, tool: prepared.tools["count"], inputs: prepared.inputs)
        #expect(task.recipe == (try recipe.cid()))
    }

    @Test func submittingKeepsTheRecipesOfTheRecipeKeys() throws {
        let world = try World()
        let store = try JobStore(home: world.folder.file("home"))
        let prepared = try JobPreparation(repo: world.repo).prepare(try world.spec())
        let (job, recipes) = try prepared.submitKeepingRecipes(to: store, specFile: "p.yaml", options: JobOptions())
        // One recipe per task that has a key, and its CID is that key.
        let tasks = try store.tasks(of: job.id)
        #expect(recipes.count == tasks.filter { $0.recipe != nil }.count)
        #expect(recipes.count > 0)
        for task in tasks {
            #expect(recipes.cid(of: task.id) == task.recipe, "\(task.id)")
            if let built = recipes.byTask[task.id] { #expect(built.block.cid == (try built.recipe.cid())) }
        }
    }
}
