import Foundation
import ShoalTesting
import Testing
@testable import Worker

struct WorkerHomeTests {
    @Test func layoutAndSweepOfAbandonedScratch() throws {
        let folder = TemporaryDirectory("home")
        let home = WorkerHome(folder.path + "/")
        #expect(home.path == folder.path)
        #expect(home.logs(job: "j", task: "t", attempt: 2) == folder.path + "/logs/j/t/2")
        try folder.mkdir("work/999999999-j-t-1-x")      // no such pid
        try folder.mkdir("work/\(getpid())-j-t-1-y")    // this process: kept
        try folder.mkdir("work/1-j-t-1-z")              // pid 1 is alive: kept
        home.sweepAbandonedWork()
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.file("work")).sorted()
        #expect(left == ["1-j-t-1-z", "\(getpid())-j-t-1-y"].sorted())
    }
}
