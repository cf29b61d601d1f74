import Foundation
import Testing
@testable import JobStore

struct JobStoreEventsTests {
    @Test func everyChangeIsLoggedInOrder() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a", "b"])
        try fixture.store.setJobState(id, to: .running)
        _ = try fixture.start(id, "a")
        try fixture.store.finishTask(
            job: id, task: "a", attempt: 1, result: TaskResult(state: .failed, reason: "exit-code", message: "exited with code 3"))
        try fixture.store.skipTask(job: id, task: "b", reason: "dependency-failed", message: "dependency 'a' failed")
        try fixture.store.setJobState(id, to: .failed, reason: "task 'a' failed")
        let events = try fixture.store.events(of: id)
        #expect(events.map(\.kind) == [
            .jobCreated, .jobStarted, .taskReady, .taskRunning, .taskFailed, .taskSkipped, .jobFinished,
        ])
        #expect(events.map(\.taskID) == [nil, nil, "a", "a", "a", "b", nil])
        #expect(events[3].attempt == 1)
        #expect(events[4].message == "exited with code 3")
        #expect(events[6].message == "failed: task 'a' failed")
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
    }

    @Test func logsAreReadIncrementallyAndPerJob() throws {
        let fixture = try StoreFixture()
        let one = try fixture.job(["a"])
        let two = try fixture.job(["a"])
        let seen = try fixture.store.events(of: one)
        try fixture.store.setJobState(two, to: .running)
        try fixture.store.setJobState(one, to: .running)
        let next = try fixture.store.events(of: one, after: seen.last!.sequence)
        #expect(next.map(\.kind) == [.jobStarted])
        #expect(try fixture.store.events(of: two).map(\.kind) == [.jobCreated, .jobStarted])
    }

    @Test func aRefusedChangeLogsNothing() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a"])
        let before = try fixture.store.events(of: id)
        _ = try? fixture.store.startAttempt(job: id, task: "a", node: nil)
        #expect(try fixture.store.events(of: id) == before)
    }
}
