import Foundation
import IPLD
import Testing
@testable import Worker

struct ExportCacheTests {
    @Test func aDAGIsExportedOnceAndReused() throws {
        let world = try ExecutorWorld()
        let tool = try world.addFolder("tool", ["a.sh": "echo a\n", "sub.txt": "b"])
        let cache = ExportCache(folder: world.home + "/cache/exports", repo: world.repo)
        let path = try cache.path(for: tool)
        #expect(path == world.home + "/cache/exports/\(tool.v1)")
        #expect(try String(contentsOfFile: path + "/a.sh", encoding: .utf8) == "echo a\n")
        var first = stat()
        stat(path + "/a.sh", &first)
        // A second use mounts the same files: nothing is exported again.
        #expect(try cache.path(for: tool) == path)
        var second = stat()
        stat(path + "/a.sh", &second)
        #expect(first.st_ino == second.st_ino)
        // World-readable, so the sandbox user can read it through the mount.
        #expect(first.st_mode & 0o004 != 0)
        // No temporary folders are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.home + "/cache/exports") == [tool.v1.string])
    }

    @Test func aFileInputIsExportedAsAFile() throws {
        let world = try ExecutorWorld()
        let file = try world.addFile("data.txt", "hello\n")
        let path = try ExportCache(folder: world.home + "/cache/exports", repo: world.repo).path(for: file)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
    }

    @Test func concurrentExportsOfOneCIDAllSucceed() async throws {
        let world = try ExecutorWorld()
        let tool = try world.addFolder("tool", ["x": String(repeating: "x", count: 100_000)])
        let cache = ExportCache(folder: world.home + "/cache/exports", repo: world.repo)
        let paths = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try cache.path(for: tool) } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(paths.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.home + "/cache/exports") == [tool.v1.string])
    }

    @Test func aMissingDAGIsAStagingErrorAndLeavesNothing() throws {
        let world = try ExecutorWorld()
        let cache = ExportCache(folder: world.home + "/cache/exports", repo: world.repo)
        #expect { try cache.path(for: testCID(4)) } throws: { ($0 as? WorkerError)?.code == .staging }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: world.home + "/cache/exports")) ?? []).isEmpty)
    }

    @Test func pruningRemovesExportsWhoseBlocksAreGoneAndKeepsTheRest() throws {
        let world = try ExecutorWorld()
        let kept = try world.addFolder("kept", ["k.txt": "keep me\n"])
        let dropped = try world.addFolder("dropped", ["d.txt": String(repeating: "d", count: 5000)])
        let cache = ExportCache(folder: world.home + "/cache/exports", repo: world.repo)
        _ = try cache.path(for: kept)
        _ = try cache.path(for: dropped)
        // A temporary folder of a process that no longer exists (pid 2^22 + 1 is above pid_max's default).
        let leftover = world.home + "/cache/exports/.tmp-4194305-1"
        try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: true)
        _ = try world.repo.unpin(dropped)
        _ = try world.repo.collectGarbage()
        let report = try WorkerHome(world.home).pruneExportCache(repo: world.repo)
        #expect(report.removed == [dropped.v1])
        #expect(report.freedBytes == 5000)
        #expect(report.temporaryFoldersRemoved == 1)
        #expect(report.skipped == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: world.home + "/cache/exports") == [kept.v1.string])
        // Nothing more to do the second time.
        #expect(try WorkerHome(world.home).pruneExportCache(repo: world.repo) == ExportCachePruneReport())
    }

    @Test func pruningWaitsForNoStepButLeavesTheCacheAloneWhileOneRuns() throws {
        let world = try ExecutorWorld()
        let dropped = try world.addFolder("dropped", ["d.txt": "d"])
        let cache = ExportCache(folder: world.home + "/cache/exports", repo: world.repo)
        let use = try cache.beginUse()
        _ = try cache.path(for: dropped)
        _ = try world.repo.unpin(dropped)
        _ = try world.repo.collectGarbage()
        let busy = try WorkerHome(world.home).pruneExportCache(repo: world.repo)
        #expect(busy.skipped != nil && busy.removed.isEmpty)
        #expect(FileManager.default.fileExists(atPath: world.home + "/cache/exports/\(dropped.v1)"))
        use.end()
        #expect(try WorkerHome(world.home).pruneExportCache(repo: world.repo).removed == [dropped.v1])
    }
}
