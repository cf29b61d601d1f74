import Foundation
import Testing
@testable import JobStore

struct JobStoreTasksTests {
    @Test func aWaveOfTasksBecomesReadyInOrderOrNotAtAll() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a", "b", "c"])
        try fixture.store.markReady(job: id, tasks: ["b", "a"])
        #expect(try fixture.store.tasks(of: id).map(\.state) == [.ready, .ready, .pending])
        let ready = try fixture.store.events(of: id).filter { $0.kind == .taskReady }.map(\.taskID)
        #expect(ready == ["b", "a"])
        // "a" cannot become ready again, so "c" is left pending with it: all or none.
        #expect(throws: JobStoreError.self) { try fixture.store.markReady(job: id, tasks: ["c", "a"]) }
        #expect(try fixture.store.task(job: id, id: "c").state == .pending)
        #expect(try fixture.store.events(of: id).filter { $0.kind == .taskReady }.count == 2)
        try fixture.store.markReady(job: id, tasks: [])
    }

    @Test func aWaveOfAttemptsOpensInOrderOrNotAtAll() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a", "b", "c", "d"])
        try fixture.store.markReady(job: id, tasks: ["a", "b", "c"])
        #expect(try fixture.store.startAttempts(job: id, tasks: ["c", "a"], node: "did:key:z6Mkone") == [1, 1])
        #expect(try fixture.store.tasks(of: id).map(\.state) == [.running, .ready, .running, .pending])
        #expect(try fixture.store.task(job: id, id: "a").node == "did:key:z6Mkone")
        #expect(try fixture.store.attempts(job: id, task: "c").map(\.state) == ["running"])
        let running = try fixture.store.events(of: id).filter { $0.kind == .taskRunning }
        #expect(running.map(\.taskID) == ["c", "a"])
        #expect(running.map(\.attempt) == [1, 1])
        // "d" is still pending, so "b" (listed before it) is not started either: all or none.
        #expect { try fixture.store.startAttempts(job: id, tasks: ["b", "d"], node: nil) }
            throws: { ($0 as? JobStoreError)?.code == .invalidTransition }
        #expect { try fixture.store.startAttempts(job: id, tasks: ["b", "nosuch"], node: nil) }
            throws: { ($0 as? JobStoreError)?.code == .notFound }
        let b = try fixture.store.task(job: id, id: "b")
        #expect(b.state == .ready)
        #expect(b.attempts == 0)
        #expect(try fixture.store.attempts(job: id, task: "b").isEmpty)
        #expect(try fixture.store.events(of: id).filter { $0.kind == .taskRunning }.count == 2)
        // A task left running by a process that died gets its next attempt in a wave, like one at a time.
        #expect(try fixture.store.startAttempts(job: id, tasks: ["b", "a"], node: nil) == [1, 2])
        #expect(try fixture.store.attempts(job: id, task: "a").map(\.state) == [AttemptRecord.lostState, "running"])
        #expect(try fixture.store.startAttempts(job: id, tasks: [], node: nil).isEmpty)
        // A pool's attempts are only queued: logged as such, the task running all the same.
        #expect(try fixture.store.startAttempts(job: id, tasks: ["c"], node: nil, queued: true) == [2])
        #expect(try fixture.store.task(job: id, id: "c").state == .running)
        let last = try fixture.store.events(of: id).suffix(2).map(\.kind)
        #expect(last == [.attemptLost, .taskQueued])
    }

    @Test func aWaveCanMakeItsTasksReadyInItsOwnTransaction() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a", "b", "c"])
        #expect(try fixture.store.startAttempts(job: id, tasks: ["a"], node: nil, readying: ["a", "b"]) == [1])
        #expect(try fixture.store.tasks(of: id).map(\.state) == [.running, .ready, .pending])
        #expect(try fixture.store.events(of: id).suffix(3).map(\.kind) == [.taskReady, .taskReady, .taskRunning])
        // All or none: "b" is ready already, so "c" is not made ready and nothing starts.
        #expect { try fixture.store.startAttempts(job: id, tasks: ["b"], node: nil, readying: ["c", "b"]) }
            throws: { ($0 as? JobStoreError)?.code == .invalidTransition }
        #expect(try fixture.store.tasks(of: id).map(\.state) == [.running, .ready, .pending])
        // Nothing to start: the tasks are only made ready.
        #expect(try fixture.store.startAttempts(job: id, tasks: [], node: nil, readying: ["c"]).isEmpty)
        #expect(try fixture.store.task(job: id, id: "c").state == .ready)
    }

    @Test func aTaskRunsThroughItsStates() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a"])
        try fixture.store.markReady(job: id, task: "a")
        #expect(try fixture.store.task(job: id, id: "a").state == .ready)
        let attempt = try fixture.store.startAttempt(job: id, task: "a", node: "did:key:z6Mkone")
        #expect(attempt == 1)
        var task = try fixture.store.task(job: id, id: "a")
        #expect(task.state == .running)
        #expect(task.attempts == 1)
        #expect(task.node == "did:key:z6Mkone")
        #expect(task.started != nil)
        let result = TaskResult(
            state: .succeeded, recipe: StoreFixture.cid(10), step: StoreFixture.cid(11),
            outputs: ["clean": StoreFixture.cid(12)], stdout: StoreFixture.cid(13), stderr: StoreFixture.cid(14),
            outputBytes: 42)
        #expect(try fixture.store.finishTask(job: id, task: "a", attempt: 1, result: result))
        task = try fixture.store.task(job: id, id: "a")
        #expect(task.state == .succeeded)
        #expect(task.recipe == StoreFixture.cid(10))
        #expect(task.step == StoreFixture.cid(11))
        #expect(task.outputs == ["clean": StoreFixture.cid(12)])
        #expect(task.stdout == StoreFixture.cid(13))
        #expect(task.outputBytes == 42)
        #expect(task.finished != nil)
        let attempts = try fixture.store.attempts(job: id, task: "a")
        #expect(attempts.count == 1)
        #expect(attempts[0].state == "succeeded")
        #expect(attempts[0].step == StoreFixture.cid(11))
    }

    @Test func aResultReportedTwiceOrForAnOldAttemptIsRecordedOnce() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a"])
        _ = try fixture.start(id, "a")
        // The attempt's process dies; a new attempt starts.
        #expect(try fixture.store.startAttempt(job: id, task: "a", node: nil) == 2)
        let late = TaskResult(state: .failed, reason: "exit-code", message: "from attempt 1")
        #expect(try !fixture.store.finishTask(job: id, task: "a", attempt: 1, result: late))
        #expect(try fixture.store.task(job: id, id: "a").state == .running)
        let good = TaskResult(state: .succeeded, step: StoreFixture.cid(3))
        #expect(try fixture.store.finishTask(job: id, task: "a", attempt: 2, result: good))
        #expect(try !fixture.store.finishTask(job: id, task: "a", attempt: 2, result: good))
        #expect(try !fixture.store.finishTask(job: id, task: "a", attempt: 2, result: late))
        let task = try fixture.store.task(job: id, id: "a")
        #expect(task.state == .succeeded)
        #expect(task.step == StoreFixture.cid(3))
        let attempts = try fixture.store.attempts(job: id, task: "a")
        #expect(attempts.map(\.state) == [AttemptRecord.lostState, "succeeded"])
        #expect(attempts[0].reason == "interrupted")
        #expect(try fixture.store.events(of: id).filter { $0.kind == .attemptLost }.count == 1)
    }

    @Test func forbiddenChangesAreRefusedAndLeaveTheTaskAlone() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a", "b"])
        // pending → running is not allowed: a task becomes ready first.
        #expect { try fixture.store.startAttempt(job: id, task: "a", node: nil) }
            throws: { ($0 as? JobStoreError)?.code == .invalidTransition }
        #expect(try fixture.store.task(job: id, id: "a").attempts == 0)
        _ = try fixture.start(id, "a")
        #expect(throws: JobStoreError.self) { try fixture.store.skipTask(job: id, task: "a", reason: "x", message: "x") }
        #expect(throws: JobStoreError.self) { try fixture.store.markReady(job: id, task: "a") }
        #expect(throws: JobStoreError.self) {
            try fixture.store.finishTask(job: id, task: "a", attempt: 1, result: TaskResult(state: .skipped))
        }
        #expect(try fixture.store.finishTask(job: id, task: "a", attempt: 1, result: TaskResult(state: .cached)))
        #expect(throws: JobStoreError.self) { try fixture.store.cancelTask(job: id, task: "a", message: "late") }
        #expect(try fixture.store.task(job: id, id: "a").state == .cached)
        #expect { try fixture.store.markReady(job: id, task: "nope") } throws: { ($0 as? JobStoreError)?.code == .notFound }
    }

    @Test func skippingAndCancelling() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a", "b", "c"])
        try fixture.store.skipTask(job: id, task: "b", reason: "dependency-failed", message: "dependency 'a' failed")
        _ = try fixture.start(id, "c")
        try fixture.store.cancelTask(job: id, task: "c", message: "the run was cancelled")
        let tasks = try fixture.store.tasks(of: id)
        #expect(tasks[1].state == .skipped)
        #expect(tasks[1].reason == "dependency-failed")
        #expect(tasks[1].message == "dependency 'a' failed")
        #expect(tasks[2].state == .cancelled)
        #expect(try fixture.store.attempts(job: id, task: "c").map(\.state) == ["cancelled"])
    }

    @Test func resetForRetryKeepsWhatSucceeded() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["ok", "cached", "bad", "after", "running", "waiting"])
        _ = try fixture.start(id, "ok")
        try fixture.store.finishTask(job: id, task: "ok", attempt: 1, result: TaskResult(state: .succeeded, step: StoreFixture.cid(1)))
        _ = try fixture.start(id, "cached")
        try fixture.store.finishTask(job: id, task: "cached", attempt: 1, result: TaskResult(state: .cached))
        _ = try fixture.start(id, "bad")
        try fixture.store.finishTask(
            job: id, task: "bad", attempt: 1,
            result: TaskResult(state: .failed, reason: "exit-code", exitCode: 2, step: StoreFixture.cid(5)))
        try fixture.store.skipTask(job: id, task: "after", reason: "dependency-failed", message: "dependency 'bad' failed")
        _ = try fixture.start(id, "running")
        #expect(try fixture.store.resetForRetry(job: id) == ["bad", "after"])
        let tasks = Dictionary(uniqueKeysWithValues: try fixture.store.tasks(of: id).map { ($0.id, $0) })
        #expect(tasks["ok"]?.state == .succeeded)
        #expect(tasks["ok"]?.step == StoreFixture.cid(1))
        #expect(tasks["cached"]?.state == .cached)
        #expect(tasks["running"]?.state == .running)
        #expect(tasks["bad"]?.state == .pending)
        #expect(tasks["bad"]?.attempts == 1)         // attempts keep counting
        #expect(tasks["bad"]?.step == nil)
        #expect(tasks["bad"]?.reason == nil)
        #expect(tasks["after"]?.state == .pending)
        #expect(tasks["waiting"]?.state == .pending)
    }

    @Test func resetForRetryRedoesTheFinishedTasksNamed() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a", "b", "c"])
        for task in ["a", "b"] {
            _ = try fixture.start(id, task)
            try fixture.store.finishTask(job: id, task: task, attempt: 1, result: TaskResult(state: .succeeded, step: StoreFixture.cid(1)))
        }
        // "c" is pending: naming it changes nothing; "zz" names no task.
        #expect(try fixture.store.resetForRetry(job: id, redo: ["b", "c", "zz"]) == ["b"])
        let tasks = Dictionary(uniqueKeysWithValues: try fixture.store.tasks(of: id).map { ($0.id, $0) })
        #expect(tasks["a"]?.state == .succeeded)
        #expect(tasks["b"]?.state == .pending)
        #expect(tasks["b"]?.step == nil)
        #expect(tasks["b"]?.attempts == 1)
        let reset = try fixture.store.events(of: id).filter { $0.kind == .taskReset }
        #expect(reset.map(\.taskID) == ["b"])
        #expect(reset.first?.message == "its results are no longer all in the store")
    }

    @Test func aFailedAttemptIsClosedAndTheNextOpenedInOneStep() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a"])
        _ = try fixture.start(id, "a")
        let failure = TaskResult(state: .failed, reason: "exit-code", message: "exited with code 3", exitCode: 3, step: StoreFixture.cid(2), node: "did:key:z6Mkone")
        let next = try fixture.store.retryTask(
            job: id, task: "a", attempt: 1, failure: failure, message: "attempt 1 failed; running it again", node: nil, queued: true)
        #expect(next == 2)
        let task = try fixture.store.task(job: id, id: "a")
        #expect(task.state == .running)
        #expect(task.attempts == 2)
        #expect(task.reason == nil)
        #expect(task.exitCode == nil)
        let attempts = try fixture.store.attempts(job: id, task: "a")
        #expect(attempts.map(\.state) == ["failed", "running"])
        #expect(attempts.first?.reason == "exit-code")
        #expect(attempts.first?.step == StoreFixture.cid(2))
        #expect(attempts.first?.node == "did:key:z6Mkone")
        #expect(attempts.first?.finished != nil)
        let events = try fixture.store.events(of: id).suffix(2)
        #expect(events.map(\.kind) == [.attemptFailed, .taskQueued])
        #expect(events.first?.attempt == 1)
        #expect(events.first?.message == "attempt 1 failed; running it again")
        #expect(events.last?.attempt == 2)
        // A stale report (attempt 1 again) changes nothing; the new attempt then ends the task.
        #expect(try fixture.store.retryTask(job: id, task: "a", attempt: 1, failure: failure, message: "again", node: nil) == nil)
        #expect(try fixture.store.attempts(job: id, task: "a").count == 2)
        try fixture.store.finishTask(job: id, task: "a", attempt: 2, result: TaskResult(state: .succeeded, step: StoreFixture.cid(3)))
        #expect(try fixture.store.attempts(job: id, task: "a").map(\.state) == ["failed", "succeeded"])
        #expect(try fixture.store.retryTask(job: id, task: "a", attempt: 2, failure: failure, message: "late", node: nil) == nil)
        #expect(try fixture.store.task(job: id, id: "a").state == .succeeded)
    }

    @Test func onlyAFailureIsRetried() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a"])
        _ = try fixture.start(id, "a")
        #expect {
            try fixture.store.retryTask(
                job: id, task: "a", attempt: 1, failure: TaskResult(state: .cancelled, reason: "cancelled"), message: "", node: nil)
        } throws: { ($0 as? JobStoreError)?.code == .invalidTransition }
        #expect(try fixture.store.attempts(job: id, task: "a").map(\.state) == ["running"])
    }
}
