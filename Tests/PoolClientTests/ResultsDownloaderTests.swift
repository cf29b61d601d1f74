import BlockStore
import Foundation
import Gateway
import Hummingbird
import IPLD
import PoolAPI
import ShoalTesting
import Testing
import UnixFS

@testable import PoolClient

/// Results come through a real trustless gateway (``Gateway/GatewayRoutes``) over a repository
/// that holds the outputs, as the requester serves them.
@Suite struct ResultsDownloaderTests {
    struct World {
        let folder = TemporaryDirectory("results")
        let source: Repo
        let client: Repo
        let output: CID
        let log: CID

        init() throws {
            source = try Repo(home: folder.file("requester"))
            client = try Repo(home: folder.file("client"))
            try folder.mkdir("out/sub")
            try folder.write("out/model.bin", SplitMix64.bytes(seed: 3, count: 600_000))
            try folder.write("out/sub/notes.txt", text: "trained\n")
            output = try source.add(folder.file("out"), AddRequest(options: ImportOptions(recursive: true))).cid
            log = try source.addBytes(Array("step log\n".utf8)).cid
        }

        func router(tasks: [TaskStatus]) -> Router<BasicRequestContext> {
            let router = Router()
            router.get("/api/v1/jobs/:job") { _, _ in
                try json(JobStatus(id: "j1", name: "p", state: "succeeded", created: Date(), tasks: tasks))
            }
            let gateway = router.group().add(middleware: BearerTokenMiddleware(verifier: SharedTokenVerifier("secret")))
            GatewayRoutes(source: source).register(on: gateway)
            return router
        }
    }

    @Test func everyOutputIsFetchedVerifiedAndWrittenUnderTaskAndName() async throws {
        let world = try World()
        let tasks = [
            TaskStatus(id: "train", state: "succeeded", attempts: 1, outputs: ["model": world.output.string, "log": world.log.string]),
            TaskStatus(id: "prep", state: "succeeded", attempts: 1, outputs: [:]),
        ]
        let (first, second) = try await withServer(world.router(tasks: tasks)) { url in
            try await withClient(url) { client in
                let downloader = ResultsDownloader(client: client, repo: world.client)
                return (
                    try await downloader.download(job: "j1", to: world.folder.file("results")),
                    try await downloader.download(job: "j1", to: world.folder.file("again"))
                )
            }
        }
        #expect(first.map(\.path) == [world.folder.file("results/train/log"), world.folder.file("results/train/model")])
        #expect(first.allSatisfy { $0.fetchedBytes > 0 })
        #expect(second.allSatisfy { $0.fetchedBytes == 0 })  // kept (pinned) after the first download
        let model = try Data(contentsOf: URL(fileURLWithPath: world.folder.file("results/train/model/model.bin")))
        #expect(Array(model) == SplitMix64.bytes(seed: 3, count: 600_000))
        #expect(try String(contentsOfFile: world.folder.file("results/train/model/sub/notes.txt"), encoding: .utf8) == "trained\n")
        #expect(try String(contentsOfFile: world.folder.file("results/train/log"), encoding: .utf8) == "step log\n")
        #expect(Set(try world.client.pins().map(\.cid)) == [world.output, world.log])
    }

    @Test func anExistingPathIsRefusedBeforeAnythingIsFetched() async throws {
        let world = try World()
        try world.folder.mkdir("results/train/model")
        let tasks = [TaskStatus(id: "train", state: "succeeded", attempts: 1, outputs: ["model": world.output.string])]
        let error = try await withServer(world.router(tasks: tasks)) { url in
            await #expect(throws: PoolClientError.self) {
                try await withClient(url) { client in
                    try await ResultsDownloader(client: client, repo: world.client).download(job: "j1", to: world.folder.file("results"))
                }
            }
        }
        #expect(error?.message.contains("already exists") == true)
        #expect(try world.client.statistics().blocks == 0)
    }

    @Test func aJobWithoutOutputsAndAWrongTokenAreClearErrors() async throws {
        let world = try World()
        let none = try await withServer(world.router(tasks: [TaskStatus(id: "a", state: "failed", attempts: 3)])) { url in
            await #expect(throws: PoolClientError.self) {
                try await withClient(url) { client in
                    try await ResultsDownloader(client: client, repo: world.client).download(job: "j1", to: world.folder.file("r"))
                }
            }
        }
        #expect(none?.code == .notFound)
        let tasks = [TaskStatus(id: "train", state: "succeeded", attempts: 1, outputs: ["model": world.output.string])]
        let refused = try await withServer(world.router(tasks: tasks)) { url in
            await #expect(throws: PoolClientError.self) {
                try await withClient(url, token: "wrong") { client in
                    try await ResultsDownloader(client: client, repo: world.client).download(job: "j1", to: world.folder.file("r2"))
                }
            }
        }
        #expect(refused?.message.contains("401") == true)
        #expect(try world.client.pins().isEmpty)
    }
}
