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
