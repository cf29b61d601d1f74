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
        // A process another test spawns at this moment holds a copy of the descriptor until its
        // exec closes it (O_CLOEXEC), so the release is awaited, briefly.
        var again: RunLock?
        for _ in 0..<500 where again == nil {
            again = try? RunLock(home: home, job: "0000000001abcd")
            if again == nil { usleep(10_000) }
        }
        #expect(again != nil, "the released lock stayed held")
        withExtendedLifetime(again) { #expect(RunLock.isHeld(home: home, job: "0000000001abcd")) }
    }
}
