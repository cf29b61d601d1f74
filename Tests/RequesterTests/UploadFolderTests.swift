import Foundation
import ShoalTesting
import Testing
@testable import Requester

/// Upload files a crash left behind are removed on start; nothing else is.
@Suite struct UploadFolderTests {
    /// A pid no process has (above any pid_max).
    static let deadPID = Int32.max

    @Test func onlyTheUploadFilesOfProcessesThatAreGoneAreSwept() throws {
        let home = TemporaryDirectory("uploads")
        let folder = try UploadFolder(home: home.path)
        let uuid = UUID().uuidString
        let dead = "upload-\(Self.deadPID)-\(uuid).car"
        let earlier = "upload-\(UUID().uuidString).car"
        let live = "upload-\(getpid())-\(uuid).car"
        let parent = "upload-\(getppid())-\(uuid).car"
        let others = ["notes.txt", "upload-\(Self.deadPID)-not-a-uuid.car", "upload-\(Self.deadPID)-\(uuid).car.keep"]
        for name in [dead, earlier, live, parent] + others {
            #expect(FileManager.default.createFile(atPath: folder.path + "/" + name, contents: Data([1, 2, 3])))
        }
        try FileManager.default.createDirectory(atPath: folder.path + "/upload-\(Self.deadPID)-\(UUID().uuidString).dir", withIntermediateDirectories: false)

        #expect(folder.sweepLeftovers() == [dead, earlier].sorted())
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(left.isSuperset(of: [live, parent] + others))
        #expect(!left.contains(dead) && !left.contains(earlier))
        #expect(folder.sweepLeftovers().isEmpty)
        #expect(UploadFolder.isLeftover(URL(fileURLWithPath: folder.newFile()).lastPathComponent) == false)
    }

    @Test func aStartingRequesterRemovesWhatACrashMidUploadLeft() throws {
        let home = TemporaryDirectory("requester")
        let folder = try UploadFolder(home: home.path)
        let leftover = folder.path + "/upload-\(Self.deadPID)-\(UUID().uuidString).car"
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data(repeating: 9, count: 100)))
        let requester = try Requester(configuration: TestPool.configuration(home: home.path))
        #expect(!FileManager.default.fileExists(atPath: leftover))
        #expect(FileManager.default.fileExists(atPath: requester.uploads.path))
    }
}
