import Foundation
import ShoalTesting
import Testing
@testable import Worker

struct RunLockTests {
    @Test func oneRunHasOneDriver() throws {
        let folder = TemporaryDirectory("locks")
        let home = WorkerHome(folder.path)
        #expect(!RunLock.isHeld(home: home, job: "0000000001abcd"))
        var lock: RunLock? = try RunLock(home: home, job: "0000000001abcd")
        #expect(RunLock.isHeld(home: home, job: "0000000001abcd"))
        #expect { try RunLock(home: home, job: "0000000001abcd") } throws: { ($0 as? WorkerError)?.code == .runBusy }
        // Another run is not affected.
        _ = try RunLock(home: home, job: "0000000002abcd")
        withExtendedLifetime(lock) {}
        lock = nil
        #expect(!RunLock.isHeld(home: home, job: "0000000001abcd"))
        _ = try RunLock(home: home, job: "0000000001abcd")
    }
}

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
