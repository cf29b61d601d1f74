import Foundation
import IPLD
import ShoalTesting
import Spawning
import Synchronization
import Testing

@testable import BlockStore

/// Concurrency between real processes: the test helper executable opens the same repository as
/// a second `shoal` process would.
@Suite(.serialized) struct RepoLockTests {
    /// The helper built next to the test bundle (the test target depends on it).
    static var helperPath: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("BlockStoreTestHelper").path
    }

    final class Helper {
        let process: SpawnedProcess
        let input = Pipe(), output = Pipe(), errors = Pipe()

        init(_ arguments: [String]) throws {
            process = try SpawnedProcess(SpawnRequest(
                executable: RepoLockTests.helperPath, arguments: [RepoLockTests.helperPath] + arguments,
                environment: ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" },
                standardInput: .descriptor(input.fileHandleForReading.fileDescriptor),
                standardOutput: .descriptor(output.fileHandleForWriting.fileDescriptor),
                standardError: .descriptor(errors.fileHandleForWriting.fileDescriptor)))
            // The child has its own copies: without closing ours, reading to the end would never end.
            try input.fileHandleForReading.close()
            try output.fileHandleForWriting.close()
            try errors.fileHandleForWriting.close()
        }

        /// Reads one line from the helper's stdout.
        func readLine() -> String {
            var line = Data()
            while true {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data([0x0A]) { break }
                line.append(byte)
            }
            return String(decoding: line, as: UTF8.self)
        }

        /// Waits for exit; returns the exit status, the rest of stdout and stderr.
        func finish() -> (status: Int32, output: String, errors: String) {
            try? input.fileHandleForWriting.close()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            let err = errors.fileHandleForReading.readDataToEndOfFile()
            let status = process.wait()
            return (status, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
        }
    }

    @Test func theHelperIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.helperPath), "missing \(Self.helperPath)")
    }

    /// A process spawned while the lock is held keeps a copy of its descriptor until its exec
    /// closes it; a `dup` is such a copy. Releasing must not wait for the copy to go.
    @Test func releaseFreesTheLockWhileACopyOfTheDescriptorIsStillOpen() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/repo.lock"
        let fd = try RepoLock.acquire(.shared, path: path)
        let copy = dup(fd)
        try #require(copy >= 0)
        defer { close(copy) }
        #expect(throws: BlockStoreError.self) { try RepoLock.acquire(.exclusive, path: path, wait: false) }
        RepoLock.release(fd)
        let exclusive = try RepoLock.acquire(.exclusive, path: path, wait: false)
        RepoLock.release(exclusive)
    }

    @Test func gcWaitsForAnotherProcessToPinWhatItWrote() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        // The other process writes a DAG and stops before pinning it, holding its session open.
        let helper = try Helper(["hold", dir.path, "5"])
        let ready = helper.readLine()
        #expect(ready.hasPrefix("ready "), "helper said '\(ready)'")
        let root = try CID(String(ready.dropFirst("ready ".count)))
        #expect(try repo.has(root))
        #expect(try repo.pins().isEmpty)

        let busy = #expect(throws: BlockStoreError.self) { try repo.collectGarbage(wait: false) }
        #expect(busy?.code == .busy)

        // A waiting gc in this process: if the lock did not hold it back, it would delete the
        // unpinned DAG now, and the helper's pin would then fail.
        let report = Mutex<Result<GCReport, any Error>?>(nil)
        let gcThread = Thread {
            let result = Result { try repo.collectGarbage() }
            report.withLock { $0 = result }
        }
        gcThread.start()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(report.withLock { $0 == nil }, "gc ran while another process held a write session")

        try helper.input.fileHandleForWriting.write(contentsOf: Data("go\n".utf8))
        let (status, output, errors) = helper.finish()
        #expect(status == 0, "helper failed: \(errors)")
        #expect(output.contains("pinned"))
        while report.withLock({ $0 == nil }) { Thread.sleep(forTimeInterval: 0.01) }
        let removed = try report.withLock { try $0!.get() }.removed
        #expect(removed.isEmpty)
        #expect(try repo.pins().map(\.cid) == [root])
        #expect(try repo.verify().isHealthy)
    }

    @Test func concurrentAddersAndCollectorsLoseNothingPinned() throws {
        let dir = TemporaryDirectory()
        let repo = try Repo(home: dir.path)
        // Two adder processes, one gc process, and in this process an adder thread and a gc thread
        // on their own Repo instances, all on one repository at once.
        let adders = try [Helper(["add", dir.path, "1000", "25"]), Helper(["add", dir.path, "2000", "25"])]
        let collector = try Helper(["gc", dir.path, "15"])
        let localRoots = Mutex<[CID]>([])
        let failures = Mutex<[String]>([])
        let threadsDone = DispatchSemaphore(value: 0)
        let localAdder = Thread {
            defer { threadsDone.signal() }
            do {
                let mine = try Repo(home: dir.path)
                for i in 0..<25 {
                    let tree = TestDAG.tree(seed: 3000 + UInt64(i) * 10, fanout: 3, leafSize: 1500)
                    try mine.write { writer in
                        for block in tree.reversed() { try writer.put(block) }
                        try writer.put(TestDAG.rawLeaf(seed: 9000 + UInt64(i)))  // unpinned
                        try writer.pin(tree[0].cid)
                    }
                    localRoots.withLock { $0.append(tree[0].cid) }
                }
            } catch {
                failures.withLock { $0.append("local adder: \(error)") }
            }
        }
        let localCollector = Thread {
            defer { threadsDone.signal() }
            do {
                let mine = try Repo(home: dir.path)
                for _ in 0..<15 { _ = try mine.collectGarbage() }
            } catch {
                failures.withLock { $0.append("local gc: \(error)") }
            }
        }
        localAdder.start()
        localCollector.start()

        var roots: [CID] = []
        for helper in adders + [collector] {
            let (status, output, errors) = helper.finish()
            #expect(status == 0, "helper failed: \(errors)")
            if helper !== collector {
                roots += try output.split(separator: "\n").map { try CID($0) }
            }
        }
        threadsDone.wait()
        threadsDone.wait()
        #expect(failures.withLock { $0 } == [])
        roots += localRoots.withLock { $0 }
        #expect(roots.count == 75)

        // Every pin survived with its whole DAG, and a final gc keeps exactly the pinned blocks.
        #expect(Set(try repo.pins().map(\.cid)) == Set(roots))
        _ = try repo.collectGarbage()
        let reachable = try repo.reachableMultihashes()
        #expect(try repo.storedMultihashes() == reachable)
        #expect(reachable.count == 75 * 4 + 50 * 2)  // local trees: root + 3 leaves; helper trees: 6 blocks
        let health = try repo.verify()
        #expect(health.isHealthy, "\(health)")
    }
}
