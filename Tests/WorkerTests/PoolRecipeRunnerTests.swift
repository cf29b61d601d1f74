import BlockStore
import Foundation
import IPLD
import ShoalTesting
import Testing
@testable import Worker

struct PoolRecipeRunnerTests {
    @Test func anAuditPinNamesItsProcess() {
        #expect(PoolRecipeRunner.pinName == "verify --rerun (pid \(getpid()))")
        #expect(!PoolRecipeRunner.isAbandonedAuditPin(PoolRecipeRunner.pinName))
    }

    @Test func pinsOfAuditsWhoseProcessIsGoneAreReleasedAndNoOthers() throws {
        let folder = TemporaryDirectory("audit-pins")
        let repo = try Repo(home: folder.path)
        let gone = try Self.pidOfAnEndedProcess()
        let named = [
            "verify --rerun (pid \(gone))",  // an audit killed before it released its pins
            "verify --rerun",  // an audit from before pins named their process
            PoolRecipeRunner.pinName,  // an audit running now (this process)
            "verify --rerun (pid 1)",  // a running process
            "verify --rerun (by hand)",  // a user's own name
            "dataset",
        ]
        var cids: [String: CID] = [:]
        try repo.write { writer in
            for (seed, name) in named.enumerated() {
                let block = Block(bytes: SplitMix64.bytes(seed: UInt64(seed + 1), count: 64), codec: .raw)
                try writer.put(block)
                try writer.pin(block.cid, name: name)
                cids[name] = block.cid
            }
        }
        let released = try PoolRecipeRunner.releaseAbandonedPins(in: repo)
        #expect(Set(released) == [cids["verify --rerun (pid \(gone))"]!, cids["verify --rerun"]!])
        #expect(Set(try repo.pins().compactMap(\.name)) == Set(named.dropFirst(2)))
        // Released pins only: the blocks stay until gc.
        #expect(try released.allSatisfy { try repo.has($0) })
        #expect(try PoolRecipeRunner.releaseAbandonedPins(in: repo).isEmpty)
    }

    /// The process ID of a process that has ended (and been reaped).
    static func pidOfAnEndedProcess() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
