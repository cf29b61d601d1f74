import Foundation
import Spawning
import Synchronization
import Testing

/// Waiting for a spawned process: exit codes, signals, many waiters, `isRunning`.
struct SpawnedProcessTests {
    @Test func anExitStatusAndASignalAreReportedAsAShellWould() throws {
        let exited = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "exit 7"], environment: [:])
        #expect(exited.wait() == 7)
        let killed = try SpawnedProcess(executable: "/bin/sleep", arguments: ["30"], environment: [:])
        #expect(killed.isRunning)
        kill(killed.pid, SIGTERM)
        #expect(killed.wait() == 128 + SIGTERM)
        #expect(!killed.isRunning)
        // Asking again returns the same status; the pid was reaped once.
        #expect(killed.wait() == 128 + SIGTERM)
    }

    @Test func manyThreadsWaitingAllGetTheStatus() throws {
        let process = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "sleep 0.2; exit 3"], environment: [:])
        let statuses = Mutex<[Int32]>([])
        let threads = (0..<4).map { _ in
            Thread {
                let status = process.wait()
                statuses.withLock { $0.append(status) }
            }
        }
        threads.forEach { $0.start() }
        #expect(process.wait() == 3)
        // Bounded: the process has ended, so each waiter returns at once.
        for _ in 0..<200 where statuses.withLock({ $0.count }) < 4 { Thread.sleep(forTimeInterval: 0.01) }
        #expect(statuses.withLock { $0 } == [3, 3, 3, 3])
    }

    @Test func isRunningDoesNotReapTheProcess() throws {
        let process = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "exit 5"], environment: [:])
        for _ in 0..<500 where process.isRunning { Thread.sleep(forTimeInterval: 0.01) }
        #expect(!process.isRunning)
        // Still a zombie for wait() to reap, with its real status.
        #expect(process.wait() == 5)
    }
}
