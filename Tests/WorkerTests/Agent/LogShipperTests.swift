import Foundation
import PoolClient
import ShoalTesting
import Testing

@testable import Worker

@Suite struct LogShipperTests {
    @Test func logsAreShippedAsTheyGrowAndTheRestOnFinish() async throws {
        let requester = FakeRequester()
        let folder = TemporaryDirectory("ship")
        let big = SplitMix64.bytes(seed: 9, count: 300_000)
        try await withServers([requester.router()]) { urls in
            try await PoolClient.with(.init(url: urls[0], token: FakeRequester.credential)) { client in
                let shipper = LogShipper(
                    execution: "e1", folder: folder.path, logger: AgentWorld.logger, interval: .milliseconds(20), chunkBytes: 64 * 1024
                ) { client }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await shipper.run() }
                    try folder.write("stdout.log", text: "first\n")
                    try await requester.wait { $0.logs["e1"]?["stdout"] == Array("first\n".utf8) }
                    let handle = try #require(FileHandle(forWritingAtPath: folder.file("stdout.log")))
                    handle.seekToEndOfFile()
                    handle.write(Data(big))
                    try handle.close()
                    try folder.write("stderr.log", text: "oops\n")
                    shipper.finish()
                    try await group.waitForAll()
                }
            }
        }
        let logs = requester.snapshot.logs["e1"]
        #expect(logs?["stdout"] == Array("first\n".utf8) + big)
        #expect(logs?["stderr"] == Array("oops\n".utf8))
    }

    @Test func aStreamTheRequesterRefusesIsNotShippedAgain() async throws {
        let requester = FakeRequester()
        let folder = TemporaryDirectory("ship-refused")
        try folder.write("stdout.log", text: "data\n")
        // Bytes offered past the end of what the requester holds are refused (409): that stream stops.
        try await withServers([requester.router()]) { urls in
            try await PoolClient.with(.init(url: urls[0], token: FakeRequester.credential)) { client in
                let shipper = LogShipper(execution: "e1", folder: folder.path, logger: AgentWorld.logger) { client }
                var offset = 3  // the requester holds nothing yet: bytes from 3 on leave a gap
                #expect(await !shipper.ship(.stdout, from: &offset, final: true))
                #expect(offset == 3)
                var start = 0
                #expect(await shipper.ship(.stdout, from: &start, final: true))
                #expect(start == 5)
            }
        }
        #expect(requester.snapshot.logs["e1"]?["stdout"] == Array("data\n".utf8))
    }

    /// A log past the requester's cap is refused with 413: the shipper stops sending that stream
    /// instead of offering the same chunk again on every tick.
    @Test func aStreamPastTheRequestersCapIsNotOfferedAgain() async throws {
        let requester = FakeRequester()
        requester.update { $0.logCap = 4 }
        let folder = TemporaryDirectory("ship-capped")
        try folder.write("stdout.log", text: "too long\n")
        try await withServers([requester.router()]) { urls in
            try await PoolClient.with(.init(url: urls[0], token: FakeRequester.credential)) { client in
                let shipper = LogShipper(execution: "e1", folder: folder.path, logger: AgentWorld.logger) { client }
                var offset = 0
                #expect(await !shipper.ship(.stdout, from: &offset, final: false))
                #expect(offset == 0)
            }
        }
        #expect(requester.snapshot.logAppends == 1)
    }
}
