import Foundation
import IPLD
import JobStore
import Synchronization
import Testing
@testable import Orchestrator

struct JobCoordinatorTests {
    @Test func aDiamondRunsInDependencyOrderWithItsBranchesInParallel() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(diamondYAML)
        let dispatcher = ScriptedDispatcher(watching: { assignment, log in
            if assignment.taskID == "left" || assignment.taskID == "right" {
                // Rendezvous: each branch waits until the other one runs too (no timing involved).
                await eventually { log.snapshot.maxRunning == 2 }
            }
            return succeed(assignment)
        })
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 4).run(job: id)
        let log = dispatcher.snapshot
        #expect(job.state == .succeeded)
        #expect(log.started.first == "split")
        #expect(Set(log.started[1...2]) == ["left", "right"])
        #expect(log.started.last == "join")
        #expect(log.maxRunning == 2)
        // join reads both branches' outputs, and its parents are their steps.
        let join = try #require(log.assignments["join"])
        let left = try fixture.store.task(job: id, id: "left")
        let right = try fixture.store.task(job: id, id: "right")
        #expect(join.recipe.inputs == ["a": left.outputs["out"]!, "b": right.outputs["out"]!])
        #expect(Set(join.parents) == [left.step!, right.step!])
        // split's command had its input CID rendered in.
        #expect(log.assignments["split"]?.recipe.run == ["sh", "-c", "split \(testCID(1).string)"])
        #expect(try fixture.states(id).values.allSatisfy { $0 == .succeeded })
    }

    @Test func theConcurrencyLimitHolds() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(diamondYAML)
        let dispatcher = ScriptedDispatcher()
        _ = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 1).run(job: id)
        #expect(dispatcher.snapshot.maxRunning == 1)
        #expect(dispatcher.snapshot.started == ["split", "left", "right", "join"])
    }

    @Test func aFailureSkipsOnlyItsDependantsWithKeepGoing() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(diamondYAML, options: JobOptions(keepGoing: true))
        let dispatcher = ScriptedDispatcher { $0.taskID == "left" ? fail($0) : succeed($0) }
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 1).run(job: id)
        #expect(job.state == .failed)
        #expect(job.reason == "task 'left' failed: exited with code 3")
        #expect(try fixture.states(id) == ["split": .succeeded, "left": .failed, "right": .succeeded, "join": .skipped])
        let join = try fixture.store.task(job: id, id: "join")
        #expect(join.reason == "dependency-failed")
        #expect(join.message == "dependency 'left' failed")
        let left = try fixture.store.task(job: id, id: "left")
        #expect(left.exitCode == 3)
        #expect(left.stderrTail == "boom")
        #expect(!dispatcher.snapshot.started.contains("join"))
    }

    static let twoChains = """
        version: 1
        name: chains
        tasks:
          - {id: a, run: [a], outputs: [o]}
          - {id: b, run: [b], inputs: {x: {from: a.o}}, outputs: [o]}
          - {id: c, run: [c], outputs: [o]}
          - {id: d, run: [d], inputs: {x: {from: c.o}}, outputs: [o]}
        """

    @Test func withoutKeepGoingTheFirstFailureStopsNewStarts() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains)
        let dispatcher = ScriptedDispatcher { $0.taskID == "a" ? fail($0) : succeed($0) }
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 1).run(job: id)
        #expect(job.state == .failed)
        #expect(dispatcher.snapshot.started == ["a"])
        let tasks = Dictionary(uniqueKeysWithValues: try fixture.store.tasks(of: id).map { ($0.id, $0) })
        #expect(tasks["b"]?.state == .skipped)
        #expect(tasks["b"]?.reason == "dependency-failed")
        #expect(tasks["c"]?.state == .skipped)
        #expect(tasks["c"]?.reason == "not-started")
        #expect(tasks["c"]?.message?.contains("--keep-going") == true)
        #expect(tasks["d"]?.state == .skipped)
    }

    @Test func stepsInFlightFinishAfterAFailure() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains)
        // a fails only once c is running; c then completes and is recorded.
        let dispatcher = ScriptedDispatcher(watching: { assignment, log in
            if assignment.taskID == "a" {
                await eventually { log.snapshot.started.contains("c") }
                return fail(assignment)
            }
            if assignment.taskID == "c" {
                await eventually { log.snapshot.finished.contains("a") }
            }
            return succeed(assignment)
        })
        _ = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 2).run(job: id)
        #expect(try fixture.states(id) == ["a": .failed, "b": .skipped, "c": .succeeded, "d": .skipped])
        #expect(try fixture.store.task(job: id, id: "d").reason == "not-started")
    }

    static let retried = """
        version: 1
        name: retried
        tasks:
          - {id: a, run: [a], outputs: [o], retries: 2}
          - {id: b, run: [b], inputs: {x: {from: a.o}}, outputs: [o]}
        """

    @Test func aFailedStepRunsAgainWithinItsRetries() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.retried)
        // a fails on its first attempt only.
        let dispatcher = ScriptedDispatcher { $0.taskID == "a" && $0.attempt == 1 ? fail($0) : succeed($0) }
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 2).run(job: id)
        #expect(job.state == .succeeded)
        #expect(dispatcher.snapshot.started == ["a", "a", "b"])
        let a = try fixture.store.task(job: id, id: "a")
        #expect(a.state == .succeeded)
        #expect(a.attempts == 2)
        #expect(a.reason == nil)
        #expect(try fixture.store.attempts(job: id, task: "a").map(\.state) == ["failed", "succeeded"])
        #expect(try fixture.store.attempts(job: id, task: "a").first?.reason == "exit-code")
        let retry = try #require(try fixture.store.events(of: id).first { $0.kind == .attemptFailed })
        #expect(retry.attempt == 1)
        #expect(retry.message == "attempt 1 failed (exit-code: exited with code 3); running it again (retry 1 of 2)")
    }

    @Test func aStepThatKeepsFailingFailsOnceItsRetriesAreSpent() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.retried)
        let dispatcher = ScriptedDispatcher { $0.taskID == "a" ? fail($0) : succeed($0) }
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 2).run(job: id)
        #expect(job.state == .failed)
        #expect(job.reason == "task 'a' failed: exited with code 3")
        #expect(dispatcher.snapshot.started == ["a", "a", "a"])
        #expect(try fixture.store.attempts(job: id, task: "a").map(\.state) == ["failed", "failed", "failed"])
        #expect(try fixture.store.task(job: id, id: "a").attempts == 3)
        #expect(try fixture.store.task(job: id, id: "a").exitCode == 3)
        #expect(try fixture.store.task(job: id, id: "b").state == .skipped)
        #expect(try fixture.store.events(of: id).filter { $0.kind == .attemptFailed }.count == 2)
    }

    @Test func noRetryStartsOnceAnotherTaskHasFailedTheJob() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job("""
            version: 1
            name: two
            tasks:
              - {id: a, run: [a], outputs: [o], retries: 2}
              - {id: c, run: [c], outputs: [o]}
            """)
        // c fails for good (recorded) while a's first attempt runs; a then fails too.
        let store = fixture.store
        let dispatcher = ScriptedDispatcher(watching: { assignment, _ in
            if assignment.taskID == "a" { await eventually { (try? store.task(job: id, id: "c").state) == .failed } }
            return fail(assignment)
        })
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 2).run(job: id)
        #expect(job.state == .failed)
        #expect(dispatcher.snapshot.started.filter { $0 == "a" }.count == 1)
        #expect(try fixture.store.attempts(job: id, task: "a").map(\.state) == ["failed"])
    }

    @Test(arguments: ["queue-timeout", "no-matching-node", "cancelled", "lost", nil] as [String?])
    func aFailureNotWorthRetryingIsNotRetried(reason: String?) async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.retried)
        let dispatcher = ScriptedDispatcher { assignment in
            guard assignment.taskID == "a" else { return succeed(assignment) }
            var outcome = fail(assignment)
            outcome.reason = reason
            return outcome
        }
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 2).run(job: id)
        #expect(job.state == .failed)
        #expect(dispatcher.snapshot.started == ["a"])
        #expect(try fixture.store.attempts(job: id, task: "a").map(\.state) == ["failed"])
    }

    @Test func aResumedDriveCountsTheRetriesAlreadySpent() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.retried)
        // A first drive that died after a's second failure was followed by a third attempt.
        try fixture.store.setJobState(id, to: .running)
        try fixture.store.markReady(job: id, task: "a")
        try fixture.store.startAttempt(job: id, task: "a", node: nil)
        let failure = TaskResult(state: .failed, reason: "exit-code", message: "exited with code 3", exitCode: 3)
        for attempt in 1...2 {
            _ = try fixture.store.retryTask(job: id, task: "a", attempt: attempt, failure: failure, message: "again", node: nil)
        }
        // The third attempt reports a failure too: no retry is left.
        let dispatcher = ScriptedDispatcher(reattach: { fail($0) })
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 2).run(job: id)
        #expect(job.state == .failed)
        #expect(dispatcher.snapshot.reattached == ["a"])
        #expect(dispatcher.snapshot.started.isEmpty)
        #expect(try fixture.store.attempts(job: id, task: "a").map(\.state) == ["failed", "failed", "failed"])
    }

    @Test func aResumedDriveKeepsWhatWasDoneAndRerunsALostStep() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(diamondYAML)
        // A first drive that died: split succeeded, left was running.
        try fixture.store.setJobState(id, to: .running)
        try fixture.store.markReady(job: id, task: "split")
        try fixture.store.startAttempt(job: id, task: "split", node: nil)
        let splitOutput = testCID(50)
        try fixture.store.finishTask(
            job: id, task: "split", attempt: 1,
            result: TaskResult(state: .succeeded, step: testCID(51), outputs: ["parts": splitOutput]))
        try fixture.store.markReady(job: id, task: "left")
        try fixture.store.startAttempt(job: id, task: "left", node: nil)

        let dispatcher = ScriptedDispatcher()   // reattach returns nil: the step is gone
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 2).run(job: id)
        #expect(job.state == .succeeded)
        let log = dispatcher.snapshot
        #expect(log.reattached == ["left"])
        #expect(!log.started.contains("split"))
        #expect(log.assignments["left"]?.attempt == 2)
        #expect(log.assignments["left"]?.recipe.inputs == ["parts": splitOutput])
        #expect(try fixture.store.task(job: id, id: "split").attempts == 1)
        #expect(try fixture.store.task(job: id, id: "split").step == testCID(51))
        #expect(try fixture.store.attempts(job: id, task: "left").map(\.state) == [AttemptRecord.lostState, "succeeded"])
    }

    @Test func aReattachedStepIsRecordedWithoutRunningAgain() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains)
        try fixture.store.markReady(job: id, task: "a")
        try fixture.store.startAttempt(job: id, task: "a", node: "did:key:z6Mkworker")
        let dispatcher = ScriptedDispatcher(reattach: { succeed($0) })
        _ = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 1).run(job: id)
        #expect(dispatcher.snapshot.reattached == ["a"])
        #expect(!dispatcher.snapshot.started.contains("a"))
        let a = try fixture.store.task(job: id, id: "a")
        #expect(a.state == .succeeded)
        #expect(a.attempts == 1)
    }

    @Test func cancellingTheDriveCancelsRunningAndWaitingTasks() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(diamondYAML)
        let dispatcher = ScriptedDispatcher { assignment in
            try await Task.sleep(for: .seconds(600))
            return succeed(assignment)
        }
        let store = fixture.store
        let drive = Task { try await JobCoordinator(store: store, dispatcher: dispatcher, concurrency: 2).run(job: id) }
        await eventually { dispatcher.snapshot.started == ["split"] }
        drive.cancel()
        let job = try await drive.value
        #expect(job.state == .cancelled)
        let states = try fixture.store.tasks(of: id).map { "\($0.id)=\($0.state.rawValue):\($0.message ?? "")" }
        #expect(try fixture.states(id) == ["split": .cancelled, "left": .cancelled, "right": .cancelled, "join": .cancelled], "\(states)")
        #expect(try fixture.store.attempts(job: id, task: "split").map(\.state) == ["cancelled"])
    }

    @Test func anInterruptedDispatchEndsTheDriveAndLeavesTheTaskRunning() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains)
        let dispatcher = ScriptedDispatcher { _ in throw DispatchInterrupted() }
        await #expect(throws: DispatchInterrupted.self) {
            try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 1).run(job: id)
        }
        #expect(try fixture.store.job(id).state == .running)
        #expect(try fixture.states(id)["a"] == .running)
        #expect(try fixture.store.attempts(job: id, task: "a").map(\.state) == ["running"])
    }

    @Test func anOutcomeOfALaterAttemptTheDispatcherOpenedIsRecordedUnderIt() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains)
        let store = fixture.store
        let dispatcher = ScriptedDispatcher { assignment in
            // A pool re-queues a lost step: it opens the next attempt itself.
            var retry = assignment
            retry.attempt = try store.startAttempt(job: assignment.jobID, task: assignment.taskID, node: nil)
            return succeed(retry)
        }
        let job = try await JobCoordinator(store: store, dispatcher: dispatcher, concurrency: 1).run(job: id)
        #expect(job.state == .succeeded)
        let a = try store.task(job: id, id: "a")
        #expect(a.state == .succeeded)
        #expect(a.attempts == 2)
        #expect(try store.attempts(job: id, task: "a").map(\.state) == [AttemptRecord.lostState, "succeeded"])
    }

    @Test func aDispatcherErrorFailsTheTask() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the worker fell over" } }
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains, options: JobOptions(keepGoing: true))
        let dispatcher = ScriptedDispatcher { assignment in
            if assignment.taskID == "c" { throw Broken() }
            return succeed(assignment)
        }
        _ = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 1).run(job: id)
        let c = try fixture.store.task(job: id, id: "c")
        #expect(c.state == .failed)
        #expect(c.reason == "error")
        #expect(c.message == "the worker fell over")
        #expect(try fixture.states(id)["b"] == .succeeded)
    }

    @Test func theCacheFlagFollowsTheTaskAndTheJob() async throws {
        let yaml = """
            version: 1
            name: flags
            tasks:
              - {id: a, run: [a], outputs: [o]}
              - {id: b, run: [b], outputs: [o], cache: false}
            """
        let fixture = try CoordinatorFixture()
        let cached = ScriptedDispatcher()
        _ = try await JobCoordinator(store: fixture.store, dispatcher: cached).run(job: try fixture.job(yaml))
        #expect(cached.snapshot.assignments["a"]?.cache == true)
        #expect(cached.snapshot.assignments["b"]?.cache == false)
        let uncached = ScriptedDispatcher()
        _ = try await JobCoordinator(store: fixture.store, dispatcher: uncached)
            .run(job: try fixture.job(yaml, options: JobOptions(noCache: true)))
        #expect(uncached.snapshot.assignments["a"]?.cache == false)
    }

    @Test func theObserverSeesTheLoggedEventsInOrder() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains)
        let seen = Mutex<[JobEvent]>([])
        _ = try await JobCoordinator(store: fixture.store, dispatcher: ScriptedDispatcher(), concurrency: 1) { event in
            seen.withLock { $0.append(event) }
        }.run(job: id)
        let events = seen.withLock { $0 }
        #expect(events == Array(try fixture.store.events(of: id).drop { $0.kind == .jobCreated }))
        #expect(events.first?.kind == .jobStarted)
        #expect(events.last?.kind == .jobFinished)
        #expect(events.filter { $0.kind == .taskSucceeded }.count == 4)
    }

    @Test func aStepThatStartsWhenDispatchedIsLoggedRunningAndAQueuedOneIsLoggedQueued() async throws {
        let fixture = try CoordinatorFixture()
        let direct = try fixture.job(Self.twoChains)
        _ = try await JobCoordinator(store: fixture.store, dispatcher: ScriptedDispatcher(), concurrency: 1).run(job: direct)
        #expect(try taskEvents(fixture.store, direct, "b") == [.taskReady, .taskRunning, .taskSucceeded])
        let queued = try fixture.job(Self.twoChains)
        _ = try await JobCoordinator(store: fixture.store, dispatcher: QueuingDispatcher(), concurrency: 1).run(job: queued)
        // The coordinator only queued it: `task.running` is for whoever starts it (a node's claim).
        #expect(try taskEvents(fixture.store, queued, "b") == [.taskReady, .taskQueued, .taskSucceeded])
    }

    /// The kinds of one task's events, oldest first.
    private func taskEvents(_ store: JobStore, _ job: String, _ task: String) throws -> [JobEvent.Kind] {
        try store.events(of: job).filter { $0.taskID == task }.map(\.kind)
    }

    /// A dispatcher whose steps wait in a queue before something else starts them.
    private struct QueuingDispatcher: StepDispatcher {
        var queuesSteps: Bool { true }
        func dispatch(_ assignment: StepAssignment) async throws -> StepOutcome { succeed(assignment) }
    }

    @Test func theDispatcherSettlesOnceBeforeTheEndIsRecorded() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains)
        let store = fixture.store
        let stateWhenSettling = Mutex<JobState?>(nil)
        let dispatcher = ScriptedDispatcher(settle: { job in stateWhenSettling.withLock { $0 = try? store.job(job).state } })
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 2).run(job: id)
        #expect(dispatcher.snapshot.settled == [id])
        #expect(stateWhenSettling.withLock { $0 } == .running)
        #expect(job.state == .succeeded)
    }

    @Test func aFailedSettleLeavesTheJobUnfinished() async throws {
        struct Full: Error {}
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains)
        let dispatcher = ScriptedDispatcher(settle: { _ in throw Full() })
        await #expect(throws: Full.self) { try await JobCoordinator(store: fixture.store, dispatcher: dispatcher).run(job: id) }
        #expect(try fixture.store.job(id).state == .running)     // a later drive can finish it
    }

    @Test func aSucceededJobIsLeftAlone() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains)
        _ = try await JobCoordinator(store: fixture.store, dispatcher: ScriptedDispatcher()).run(job: id)
        let again = ScriptedDispatcher()
        let job = try await JobCoordinator(store: fixture.store, dispatcher: again).run(job: id)
        #expect(job.state == .succeeded)
        #expect(again.snapshot.started.isEmpty)
    }

    @Test func aTaskWhoseInputHasNoCIDFailsWithoutRunning() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.twoChains, options: JobOptions(keepGoing: true))
        // a "succeeds" without its declared output: b cannot be given an input CID.
        let dispatcher = ScriptedDispatcher { assignment in
            var outcome = succeed(assignment)
            if assignment.taskID == "a" { outcome.outputs = [:] }
            return outcome
        }
        _ = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 1).run(job: id)
        let b = try fixture.store.task(job: id, id: "b")
        #expect(b.state == .failed)
        #expect(b.reason == "error")
        #expect(b.message?.contains("'a.o' has no CID") == true)
        #expect(!dispatcher.snapshot.started.contains("b"))
    }

    /// A root and `count` tasks that each read its output.
    static func fanOut(_ count: Int) -> String {
        var yaml = """
            version: 1
            name: fan
            tasks:
              - {id: root, run: [root], outputs: [o]}

            """
        for index in 0..<count { yaml += "  - {id: t\(index), run: [t, \"\(index)\"], inputs: {x: {from: root.o}}, outputs: [o]}\n" }
        return yaml
    }

    @Test func aReadyWaveIsOpenedInTheStoreAndHandedOverAsOneBatch() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.fanOut(6))
        let store = fixture.store
        let openedFirst = Mutex<[String: (TaskState, Int, [String])]>([:])
        let dispatcher = ScriptedDispatcher(batch: { steps in
            for step in steps {
                let task = try store.task(job: step.jobID, id: step.taskID)
                let attempts = try store.attempts(job: step.jobID, task: step.taskID).map(\.state)
                openedFirst.withLock { $0[step.taskID] = (task.state, step.attempt, attempts) }
            }
        })
        let transactions = EventTransactions(store)
        let job = try await JobCoordinator(store: store, dispatcher: dispatcher, concurrency: 10).run(job: id)
        #expect(job.state == .succeeded)
        let wave = (0..<6).map { "t\($0)" }
        #expect(dispatcher.snapshot.batches == [["root"], wave])
        // The wave's tasks were made ready and started in one transaction.
        let events = try store.events(of: id).filter { $0.taskID?.hasPrefix("t") == true }
        let readied = events.filter { $0.kind == .taskReady }
        let opened = events.filter { $0.kind == .taskRunning || $0.kind == .taskQueued }
        #expect(readied.count == 6 && opened.count == 6)
        let commit = try #require(transactions.transaction(inserting: readied[0].sequence))
        #expect(commit == Set((readied + opened).map(\.sequence)))
        // Every step of the wave had its attempt open and running before the batch was handed over.
        for task in ["root"] + wave {
            let seen = openedFirst.withLock { $0[task] }
            #expect(seen?.0 == .running, "\(task)")
            #expect(seen?.1 == 1, "\(task)")
            #expect(seen?.2 == ["running"], "\(task)")
        }
        #expect(try fixture.states(id).values.allSatisfy { $0 == .succeeded })
        #expect(try store.tasks(of: id).allSatisfy { $0.attempts == 1 })
        #expect(dispatcher.snapshot.assignments["t3"]?.recipe.run == ["t", "3"])
    }

    @Test func aWaveLargerThanTheFreeSlotsIsHandedOverInSlotSizedBatches() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.fanOut(5))
        let dispatcher = ScriptedDispatcher()
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 2).run(job: id)
        #expect(job.state == .succeeded)
        let batches = dispatcher.snapshot.batches
        #expect(batches.first == ["root"])
        #expect(batches.dropFirst().first == ["t0", "t1"])
        #expect(batches.allSatisfy { $0.count <= 2 })
        #expect(batches.flatMap { $0 } == ["root", "t0", "t1", "t2", "t3", "t4"])
        #expect(dispatcher.snapshot.maxRunning <= 2)
    }

    @Test func aBatchTheDispatcherRefusesFailsEachOfItsTasks() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the queue is full" } }
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.fanOut(3), options: JobOptions(keepGoing: true))
        let dispatcher = ScriptedDispatcher(batch: { steps in if steps.count > 1 { throw Broken() } })
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 4).run(job: id)
        #expect(job.state == .failed)
        #expect(dispatcher.snapshot.started == ["root"])
        for task in ["t0", "t1", "t2"] {
            let record = try fixture.store.task(job: id, id: task)
            #expect(record.state == .failed)
            #expect(record.reason == "error")
            #expect(record.message == "the queue is full")
            #expect(try fixture.store.attempts(job: id, task: task).map(\.state) == ["failed"])
        }
    }

    @Test func anInterruptedBatchEndsTheDriveWithItsTasksRunning() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.fanOut(3))
        let dispatcher = ScriptedDispatcher(batch: { steps in if steps.count > 1 { throw DispatchInterrupted() } })
        await #expect(throws: DispatchInterrupted.self) {
            try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 4).run(job: id)
        }
        #expect(try fixture.store.job(id).state == .running)
        for task in ["t0", "t1", "t2"] {
            #expect(try fixture.states(id)[task] == .running)
            #expect(try fixture.store.attempts(job: id, task: task).map(\.state) == ["running"])
        }
        // The next drive reattaches them (this dispatcher cannot: new attempts) and finishes the job.
        let again = ScriptedDispatcher()
        #expect(try await JobCoordinator(store: fixture.store, dispatcher: again, concurrency: 4).run(job: id).state == .succeeded)
        #expect(again.snapshot.reattached == ["t0", "t1", "t2"])
        #expect(try fixture.store.task(job: id, id: "t1").attempts == 2)
    }

    @Test func aTaskAlreadyCachedIsNotInItsWave() async throws {
        let fixture = try CoordinatorFixture()
        let id = try fixture.job(Self.fanOut(3))
        // An earlier drive recorded root and t1 (t1 as a cache hit) before it stopped.
        for (task, state) in [("root", TaskState.succeeded), ("t1", .cached)] {
            try fixture.store.markReady(job: id, task: task)
            try fixture.store.startAttempt(job: id, task: task, node: nil)
            try fixture.store.finishTask(
                job: id, task: task, attempt: 1,
                result: TaskResult(state: state, step: testCID(60), outputs: ["o": testCID(61)]))
        }
        let dispatcher = ScriptedDispatcher()
        let job = try await JobCoordinator(store: fixture.store, dispatcher: dispatcher, concurrency: 4).run(job: id)
        #expect(job.state == .succeeded)
        #expect(dispatcher.snapshot.batches == [["t0", "t2"]])
        let t1 = try fixture.store.task(job: id, id: "t1")
        #expect(t1.state == .cached)
        #expect(t1.attempts == 1)
    }

    static let twoOutputs = """
        version: 1
        name: outputs
        tasks:
          - {id: a, run: [a], outputs: [o, p]}
          - {id: b, run: [b], inputs: {x: {from: a.o}}, outputs: [o]}
          - {id: c, run: [c], inputs: {x: {from: a.p}}, outputs: [o]}
          - {id: d, run: [d], inputs: {x: {from: a.p}}, outputs: [o]}
        """

    @Test func aTaskWithoutAnAssignmentEndsItsWaveAndStopsStartsWithoutKeepGoing() async throws {
        // a "succeeds" without its output o: b, first of the wave, cannot be given an input CID.
        let dropO: @Sendable (StepAssignment) -> StepOutcome = { assignment in
            var outcome = succeed(assignment)
            if assignment.taskID == "a" { outcome.outputs["o"] = nil }
            return outcome
        }
        let fixture = try CoordinatorFixture()
        let stopping = try fixture.job(Self.twoOutputs)
        let first = ScriptedDispatcher(handler: dropO)
        _ = try await JobCoordinator(store: fixture.store, dispatcher: first, concurrency: 4).run(job: stopping)
        #expect(first.snapshot.batches == [["a"]])
        #expect(try fixture.states(stopping) == ["a": .succeeded, "b": .failed, "c": .skipped, "d": .skipped])
        #expect(try fixture.store.task(job: stopping, id: "b").message?.contains("'a.o' has no CID") == true)
        #expect(try fixture.store.task(job: stopping, id: "c").reason == "not-started")

        let going = try fixture.job(Self.twoOutputs, options: JobOptions(keepGoing: true))
        let second = ScriptedDispatcher(handler: dropO)
        _ = try await JobCoordinator(store: fixture.store, dispatcher: second, concurrency: 4).run(job: going)
        #expect(second.snapshot.batches == [["a"], ["c", "d"]])
        #expect(try fixture.states(going) == ["a": .succeeded, "b": .failed, "c": .succeeded, "d": .succeeded])
    }
}
