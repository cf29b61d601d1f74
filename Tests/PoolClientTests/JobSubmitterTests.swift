import BlockStore
import Foundation
import Hummingbird
import IPLD
import Pipeline
import PoolAPI
import ShoalTesting
import Testing
import UnixFS

@testable import PoolClient

/// `shoal job submit`'s work against a server that imports the uploaded CAR into a real repository.
@Suite struct JobSubmitterTests {
    /// A spec folder (tool folder, a data file) and the client's repository.
    struct World {
        let folder = TemporaryDirectory("submit")
        let repo: Repo
        let requesterRepo: Repo

        init() throws {
            try folder.mkdir("tool")
            try folder.write("tool/run.sh", text: "wc -l /inputs/corpus\n")
            try folder.write("data.txt", text: "one\ntwo\n")
            repo = try Repo(home: folder.file("client"))
            requesterRepo = try Repo(home: folder.file("requester"))
        }

        func spec(inputs: String) throws -> String {
            try folder.write("p.yaml", text: """
                version: 1
                name: submit-test
                inputs:
                \(inputs)
                tasks:
                  - id: count
                    tool: tool
                    run: [sh, run.sh]
                    inputs: {corpus: {from: inputs.corpus}}
                    outputs: [n]
                """)
            return folder.file("p.yaml")
        }

        /// A requester that stores uploads in `requesterRepo` and accepts any job, recording requests.
        func router(_ recorder: Recorder) -> Router<BasicRequestContext> {
            let router = Router()
            let repo = requesterRepo
            let folder = self.folder
            router.on(.post, "/api/v1/blocks", recorder: recorder) { request in
                let path = folder.file("upload-\(UUID().uuidString).car")
                try Data(request.body).write(to: URL(fileURLWithPath: path))
                let summary = try repo.importCAR(from: path)
                return try json(BlockUpload(roots: summary.roots.map(\.string), blocks: summary.blocks, newBlocks: summary.newBlocks))
            }
            router.on(.post, "/api/v1/jobs", recorder: recorder) { _ in
                try json(JobStatus(id: "j1", name: "submit-test", state: "queued", created: Date(), tasks: []), status: .created)
            }
            return router
        }
    }

    @Test func localPathsAreAddedUploadedAsOneCARAndNamedByCIDInTheSpec() async throws {
        let world = try World()
        let spec = try world.spec(inputs: "  corpus: data.txt")
        let recorder = Recorder()
        let submitted = try await withServer(world.router(recorder)) { url in
            try await withClient(url) { client in
                try await JobSubmitter(client: client, repo: world.repo).submit(specFile: spec, options: .init(noCache: true))
            }
        }
        #expect(recorder.all.map(\.path) == ["/api/v1/blocks", "/api/v1/jobs"])
        let data = try UnixFSImporter(profile: .shoalDefault, sink: DiscardingBlockSink()).importPath(world.folder.file("data.txt")).cid
        let tool = try UnixFSImporter(profile: .shoalDefault, sink: DiscardingBlockSink())
            .importPath(world.folder.file("tool"), options: ImportOptions(recursive: true)).cid
        #expect(Set(submitted.uploadedRoots) == [data.string, tool.string])
        #expect(submitted.upload?.blocks ?? 0 >= 3)
        // The requester now holds both DAGs completely (its import pinned the roots).
        #expect(Set(try world.requesterRepo.pins().map(\.cid)) == [data, tool])
        #expect(try world.requesterRepo.unixfs.bytes(data) == Array("one\ntwo\n".utf8))
        // The spec sent is the canonical form naming the CIDs, and loads without any local file.
        let submission = try PoolAPI.decoder.decode(JobSubmission.self, from: Data(recorder.all[1].body))
        #expect(submission.file == "p.yaml")
        #expect(submission.options == .init(keepGoing: false, noCache: true))
        let sent = try SpecLoader.load(text: submission.spec, file: "sent.yaml", baseDirectory: nil, defaultName: "x")
        #expect(sent.inputs.first?.source == .cid(data))
        #expect(sent.tasks.first?.tool == .cid(tool))
        // The client keeps what it added, pinned.
        #expect(Set(try world.repo.pins().map(\.cid)) == [data, tool])
    }

    @Test func aPrivateCIDInputIsNeverUploadedNorNeededHere() async throws {
        let world = try World()
        let held = Block(bytes: Array("only on a worker".utf8), codec: .raw).cid
        let spec = try world.spec(inputs: "  corpus: {cid: \(held), private: true}")
        let recorder = Recorder()
        let submitted = try await withServer(world.router(recorder)) { url in
            try await withClient(url) { client in try await JobSubmitter(client: client, repo: world.repo).submit(specFile: spec) }
        }
        #expect(!submitted.uploadedRoots.contains(held.string))
        #expect(submitted.uploadedRoots.count == 1)  // the tool
        #expect(try !world.requesterRepo.has(held))
        let submission = try PoolAPI.decoder.decode(JobSubmission.self, from: Data(recorder.all[1].body))
        #expect(submission.spec.contains("private: true"))
        #expect(submission.spec.contains(held.string))
    }

    @Test func anInvalidSpecStopsBeforeAnythingIsAddedOrSent() async throws {
        let world = try World()
        try world.folder.write("bad.yaml", text: "version: 1\nname: bad\ntasks:\n  - id: a\n    run: [true]\n    inputs: {x: {from: nowhere.y}}\n")
        let recorder = Recorder()
        await #expect(throws: PipelineError.self) {
            try await withServer(world.router(recorder)) { url in
                try await withClient(url) { client in
                    try await JobSubmitter(client: client, repo: world.repo).submit(specFile: world.folder.file("bad.yaml"))
                }
            }
        }
        #expect(recorder.all.isEmpty)
        #expect(try world.repo.pins().isEmpty)
    }

    @Test func theRequestersRefusalIsReportedWithItsDiagnostics() async throws {
        let world = try World()
        let spec = try world.spec(inputs: "  corpus: data.txt")
        let router = Router()
        router.post("/api/v1/blocks") { _, _ in try json(BlockUpload(roots: [], blocks: 0, newBlocks: 0)) }
        router.post("/api/v1/jobs") { _, _ in
            try failure(.badRequest, "invalid spec", diagnostics: [.init(location: nil, path: "tasks[0].resources.memory", message: "exceeds every node")])
        }
        let error = try await withServer(router) { url in
            await #expect(throws: PoolClientError.self) {
                try await withClient(url) { client in try await JobSubmitter(client: client, repo: world.repo).submit(specFile: spec) }
            }
        }
        #expect(error?.diagnosticLines == ["tasks[0].resources.memory: exceeds every node"])
    }
}
