import Foundation
import Testing
@testable import JobStore

struct JobStoreJobsTests {
    @Test func aCreatedJobReadsBackWithItsTasksPending() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["clean", "train", "eval"], options: JobOptions(keepGoing: true, noCache: false))
        let job = try fixture.store.job(id)
        #expect(job.name == "test")
        #expect(job.state == .pending)
        #expect(job.options == JobOptions(keepGoing: true, noCache: false))
        #expect(job.inputs == ["corpus": StoreFixture.cid(1)])
        #expect(job.tools == ["a": StoreFixture.cid(2)])
        let tasks = try fixture.store.tasks(of: id)
        #expect(tasks.map(\.id) == ["clean", "train", "eval"])
        #expect(tasks.map(\.position) == [0, 1, 2])
        #expect(tasks.allSatisfy { $0.state == .pending && $0.attempts == 0 && $0.outputs.isEmpty })
    }

    @Test func jobsAreListedNewestFirst() throws {
        let fixture = try StoreFixture()
        let first = try fixture.job(id: JobID.generate(at: Date(timeIntervalSince1970: 1_000)))
        let second = try fixture.job(id: JobID.generate(at: Date(timeIntervalSince1970: 2_000)))
        #expect(try fixture.store.jobs().map(\.id) == [second, first])
        #expect(try fixture.store.jobs(limit: 1).map(\.id) == [second])
    }

    @Test func idsResolveFromAUniquePrefix() throws {
        let fixture = try StoreFixture()
        let a = try fixture.job(id: "0000000001aaaa")
        _ = try fixture.job(id: "0000000001aabb")
        let c = try fixture.job(id: "0000000002cccc")
        #expect(try fixture.store.resolveJobID(a) == a)
        #expect(try fixture.store.resolveJobID("0000000002") == c)
        #expect(try fixture.store.resolveJobID("0000000001aaa") == a)
        #expect(throws: JobStoreError.self) { try fixture.store.resolveJobID("0000000001aa") }   // two match
        #expect(throws: JobStoreError.self) { try fixture.store.resolveJobID("0000000003") }     // none
        #expect(throws: JobStoreError.self) { try fixture.store.resolveJobID("../x") }           // not an id
        do {
            _ = try fixture.store.resolveJobID("0000000001aa")
        } catch let error as JobStoreError {
            #expect(error.code == .ambiguous)
            #expect(error.message.contains("0000000001aaaa"))
        }
    }

    @Test func jobStatesFollowTheStateMachine() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job()
        #expect(throws: JobStoreError.self) { try fixture.store.setJobState(id, to: .succeeded) }
        try fixture.store.setJobState(id, to: .running)
        var job = try fixture.store.setJobState(id, to: .failed, reason: "task 'a' failed")
        #expect(job.state == .failed)
        #expect(job.reason == "task 'a' failed")
        #expect(job.finished != nil)
        job = try fixture.store.setJobState(id, to: .running)       // resumed
        #expect(job.reason == nil)
        #expect(job.finished == nil)
        try fixture.store.setJobState(id, to: .succeeded)
        do {
            try fixture.store.setJobState(id, to: .running)
            Issue.record("a succeeded job must not run again")
        } catch let error as JobStoreError {
            #expect(error.code == .invalidTransition)
            #expect(error.description == "invalid state change: job \(id) cannot go from succeeded to running")
        }
    }

    @Test func anUnknownJobIsNotFound() throws {
        let fixture = try StoreFixture()
        #expect { try fixture.store.job("0000000000zzzz") } throws: { ($0 as? JobStoreError)?.code == .notFound }
        #expect { try fixture.store.task(job: "0000000000zzzz", id: "a") } throws: { ($0 as? JobStoreError)?.code == .notFound }
        #expect(try fixture.store.tasks(of: "0000000000zzzz").isEmpty)
    }

    @Test func aTakenIdIsRefusedAndChangesNothing() throws {
        let fixture = try StoreFixture()
        let id = try fixture.job(["a"])
        #expect(throws: JobStoreError.self) { try fixture.job(["x", "y"], id: id) }
        #expect(try fixture.store.tasks(of: id).map(\.id) == ["a"])
    }
}
