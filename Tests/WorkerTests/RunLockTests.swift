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
        // Released at once (unlocked, not only closed: a process another test spawns now shares
        // the descriptor until its exec).
        let again = try RunLock(home: home, job: "0000000001abcd")
        withExtendedLifetime(again) { #expect(RunLock.isHeld(home: home, job: "0000000001abcd")) }
    }

    @Test func aProbeOfTheLockDoesNotMakeARunBusy() throws {
        let folder = TemporaryDirectory("locks")
        let home = WorkerHome(folder.path)
        _ = try RunLock(home: home, job: "0000000003abcd")  // creates the lock file, released at once
        // Another process's `shoal runs` holds the lock for the moment it looks (here 50 ms):
        // starting the run then waits instead of refusing. (A long grace keeps a slow thread
        // start on a loaded machine from failing the test; the default is 200 ms.)
        let probe = open(home.runs + "/0000000003abcd.lock", O_RDWR | O_CLOEXEC)
        #expect(probe >= 0 && flock(probe, LOCK_EX | LOCK_NB) == 0)
        let release = Thread {
            usleep(50_000)
            flock(probe, LOCK_UN)
            close(probe)
        }
        release.start()
        let lock = try RunLock(home: home, job: "0000000003abcd", grace: .seconds(20))
        withExtendedLifetime(lock) { #expect(RunLock.isHeld(home: home, job: "0000000003abcd")) }
    }
}
