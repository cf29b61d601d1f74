import Foundation
import Testing
@testable import JobStore

/// The execution state machine: one winner for every race between a report, a lease expiry,
/// a cancellation and a second claim.
struct JobStoreExecutionsTests {
    func queued(_ fixture: StoreFixture, job: String, task: String = "a", attempt: Int = 1) throws -> ExecutionRecord {
        let record = ExecutionRecord(id: ExecutionRecord.generateID(), jobID: job, taskID: task, attempt: attempt, assignment: "{}")
        try fixture.store.createExecution(record)
        return record
    }

    @Test func aWaveOfExecutionsIsStoredTogetherOrNotAtAll() throws {
        let fixture = try StoreFixture()
        let job = try fixture.job(["a", "b", "c"])
        let wave = ["a", "b", "c"].map {
            ExecutionRecord(id: ExecutionRecord.generateID(), jobID: job, taskID: $0, attempt: 1, assignment: "{\"task\":\"\($0)\"}")
        }
        try fixture.store.createExecutions(wave)
        #expect(Set(try fixture.store.activeExecutions().map(\.id)) == Set(wave.map(\.id)))
        #expect(try fixture.store.execution(wave[1].id)?.assignment == "{\"task\":\"b\"}")
        #expect(try fixture.store.execution(wave[2].id)?.state == .queued)

        // An id already used, or an unknown job, in the middle of a wave stores none of it.
        let fresh = { (task: String) in ExecutionRecord(id: ExecutionRecord.generateID(), jobID: job, taskID: task, attempt: 2, assignment: "{}") }
        let reused = ExecutionRecord(id: wave[0].id, jobID: job, taskID: "a", attempt: 2, assignment: "{}")
        let stranger = ExecutionRecord(id: ExecutionRecord.generateID(), jobID: "jnosuchjob", taskID: "a", attempt: 1, assignment: "{}")
        for bad in [reused, stranger] {
            let batch = [fresh("a"), bad, fresh("c")]
            #expect(throws: JobStoreError.self) { try fixture.store.createExecutions(batch) }
            for record in batch where record.id != wave[0].id { #expect(try fixture.store.execution(record.id) == nil) }
        }
        #expect(try fixture.store.activeExecutions().count == 3)
        #expect(try fixture.store.execution(wave[0].id)?.assignment == "{\"task\":\"a\"}")
        try fixture.store.createExecutions([])
    }

    @Test func theClaimsOfSeveralNodesAreOneTransactionEachAsIfMadeAlone() throws {
        let fixture = try StoreFixture()
        let job = try fixture.job(["a", "b", "c", "d"])
        let records = try ["a", "b", "c", "d"].map { try queued(fixture, job: job, task: $0) }
        let placements = [(records[0].id, "n1", "r"), (records[1].id, "n2", "r"), (records[2].id, "n1", "r"), (records[3].id, "n2", "r")]
        #expect(try fixture.store.placeExecutions(placements).count == 4)
        let lease = Date() + 30
        // n1 asks for one, n2 for five, n3 has nothing placed, and n1 again takes what it left.
        let claimed = try fixture.store.claimExecutions(
            for: [(node: "n1", limit: 1), (node: "n2", limit: 5), (node: "n3", limit: 2), (node: "n1", limit: 4)], leaseUntil: lease)
        // Placed at the same moment, a node's executions come in id order.
        #expect(claimed.map(\.count) == [1, 2, 0, 1])
        #expect(Set(claimed[0].map(\.taskID) + claimed[3].map(\.taskID)) == ["a", "c"])
        #expect(Set(claimed[1].map(\.taskID)) == ["b", "d"])
        for record in claimed.joined() {
            #expect(record.state == .assigned)
            #expect(try fixture.store.execution(record.id)?.state == .assigned)
        }
        #expect(try fixture.store.events(of: job).filter { $0.kind == .taskRunning }.count == 4)
        #expect(try fixture.store.claimExecutions(for: [], leaseUntil: lease).isEmpty)
    }

    @Test func anExecutionGoesFromQueueToReportOnce() throws {
        let fixture = try StoreFixture()
        let job = try fixture.job()
        let execution = try queued(fixture, job: job)
        #expect(try fixture.store.activeExecutions().map(\.id) == [execution.id])
        #expect(try fixture.store.placeExecutions([(execution.id, "n1", "placed on n1")]) == [execution.id])
        #expect(try fixture.store.placeExecutions([(execution.id, "n2", "again")]).isEmpty)
        // Placed once: one `task.placed`, with the reason, logged with the placement.
        let placedEvents = try fixture.store.events(of: job).filter { $0.kind == .taskPlaced }
        #expect(placedEvents.map(\.message) == ["placed on n1"] && placedEvents.first?.attempt == 1)
        #expect(try fixture.store.claimExecutions(node: "n2", limit: 5, leaseUntil: Date() + 30).isEmpty)
        let claimed = try fixture.store.claimExecutions(node: "n1", limit: 5, leaseUntil: Date() + 30)
        #expect(claimed.map(\.id) == [execution.id])
        #expect(claimed.first?.state == .assigned)
        #expect(try fixture.store.claimExecutions(node: "n1", limit: 5, leaseUntil: Date() + 30).isEmpty)
        // The claim, once, is when the attempt starts running.
        let running = try fixture.store.events(of: job).filter { $0.kind == .taskRunning }
        #expect(running.map(\.taskID) == ["a"] && running.first?.attempt == 1 && running.first?.message == "on n1")

        guard case .wrongNode = try fixture.store.reportExecution(execution.id, node: "n2", outcome: "A") else {
            Issue.record("a report from another node was taken")
            return
        }
        guard case .recorded(let recorded) = try fixture.store.reportExecution(execution.id, node: "n1", outcome: "A") else {
            Issue.record("the report was not recorded")
            return
        }
        #expect(recorded.state == .reported)
        guard case .duplicate = try fixture.store.reportExecution(execution.id, node: "n1", outcome: "A") else {
            Issue.record("a repeated report was not a duplicate")
            return
        }
        guard case .conflict = try fixture.store.reportExecution(execution.id, node: "n1", outcome: "B") else {
            Issue.record("another outcome was taken")
            return
        }
        #expect(throws: JobStoreError.self) { try fixture.store.reportExecution("xnone", node: "n1", outcome: "A") }
        #expect(try fixture.store.activeExecutions().isEmpty)
    }

    @Test func placingRecordsTheNodeOnTheTaskAndItsAttempt() throws {
        let fixture = try StoreFixture()
        let job = try fixture.job(["a", "b"])
        let attempt = try fixture.start(job, "a")
        _ = try fixture.start(job, "b")
        let a = try queued(fixture, job: job, task: "a", attempt: attempt)
        let b = try queued(fixture, job: job, task: "b", attempt: attempt)
        // An execution of an attempt that is not the task's current one places but records nothing.
        let stale = try queued(fixture, job: job, task: "b", attempt: attempt + 5)
        let placed = try fixture.store.placeExecutions([(a.id, "n1", "r"), (b.id, "n2", "r"), (stale.id, "n3", "r"), ("xnone", "n1", "r")])
        #expect(placed == [a.id, b.id, stale.id])
        #expect(try fixture.store.task(job: job, id: "a").node == "n1")
        #expect(try fixture.store.attempts(job: job, task: "a").last?.node == "n1")
        #expect(try fixture.store.task(job: job, id: "b").node == "n2")
        #expect(try fixture.store.attempts(job: job, task: "b").last?.node == "n2")
        // Placed once only: a second placement of the same executions changes nothing.
        #expect(try fixture.store.placeExecutions([(a.id, "n9", "r")]).isEmpty)
        #expect(try fixture.store.task(job: job, id: "a").node == "n1")
        #expect(try fixture.store.events(of: job).filter { $0.kind == .taskPlaced }.count == 3)
    }

    @Test func anExpiredLeaseIsLostAndItsReportRefused() throws {
        let fixture = try StoreFixture()
        let job = try fixture.job()
        let execution = try queued(fixture, job: job)
        try fixture.store.placeExecutions([(execution.id, "n1", "r")])
        _ = try fixture.store.claimExecutions(node: "n1", limit: 1, leaseUntil: Date() + 10)
        #expect(try fixture.store.expireLeases(now: Date()).isEmpty)
        // A heartbeat renews; the node says it runs it.
        #expect(try fixture.store.renewLeases(node: "n1", until: Date() + 20, running: [execution.id]) == 1)
        #expect(try fixture.store.execution(execution.id)?.state == .running)
        #expect(try fixture.store.executionsToStop(node: "n1", running: [execution.id, "xother"]) == ["xother"])
        let lost = try fixture.store.expireLeases(now: Date() + 60)
        #expect(lost.map(\.id) == [execution.id])
        #expect(lost.first?.state == .lost)
        guard case .conflict(let record) = try fixture.store.reportExecution(execution.id, node: "n1", outcome: "A") else {
            Issue.record("a late report was taken")
            return
        }
        #expect(record.state == .lost)
        #expect(try fixture.store.executionsToStop(node: "n1", running: [execution.id]) == [execution.id])
    }

    @Test func aHeartbeatRenewsOnlyTheLeasesOfWhatTheNodeSaysItRuns() throws {
        let fixture = try StoreFixture()
        let job = try fixture.job()
        let listed = try queued(fixture, job: job, task: "a")
        let unheard = try queued(fixture, job: job, task: "b")
        try fixture.store.placeExecutions([(listed.id, "n1", "r"), (unheard.id, "n1", "r")])
        let claimedAt = Date()
        _ = try fixture.store.claimExecutions(node: "n1", limit: 2, leaseUntil: claimedAt + 10)
        // The answer to the claim of `unheard` never reached the node: it lists only `listed`.
        #expect(try fixture.store.renewLeases(node: "n1", until: claimedAt + 100, running: [listed.id]) == 1)
        #expect(abs(try fixture.store.execution(unheard.id)?.leaseExpires?.timeIntervalSince(claimedAt + 10) ?? 99) < 0.01)
        let lost = try fixture.store.expireLeases(now: claimedAt + 50)
        #expect(lost.map(\.id) == [unheard.id], "an execution the node never heard of must not be held for ever")
        #expect(try fixture.store.execution(listed.id)?.state == .running)
    }

    @Test func releasingANodeEndsWhatItHeldAndRequeuesWhatWasPlaced() throws {
        let fixture = try StoreFixture()
        let job = try fixture.job(["a", "b"])
        let held = try queued(fixture, job: job, task: "a")
        let placed = try queued(fixture, job: job, task: "b")
        try fixture.store.placeExecutions([(held.id, "n1", "r")])
        _ = try fixture.store.claimExecutions(node: "n1", limit: 1, leaseUntil: Date() + 30)
        try fixture.store.placeExecutions([(placed.id, "n1", "r")])
        let ended = try fixture.store.releaseExecutions(node: "n1", as: .returned, reason: "left")
        #expect(ended.map(\.id) == [held.id])
        #expect(try fixture.store.execution(held.id)?.state == .returned)
        #expect(try fixture.store.execution(placed.id)?.state == .queued)
        #expect(try fixture.store.execution(placed.id)?.node == nil)
        #expect(try fixture.store.endExecution(placed.id, as: .cancelled, reason: "job cancelled")?.id == placed.id)
        #expect(try fixture.store.endExecution(placed.id, as: .cancelled, reason: "again") == nil)
    }

    @Test func tokensAreRevokedAndNodesHeartbeat() throws {
        let fixture = try StoreFixture()
        let token = TokenRecord(id: "t1", secretHash: Array(repeating: 7, count: 32), role: "node", node: "n1")
        try fixture.store.insertToken(token)
        try fixture.store.insertToken(TokenRecord(id: "t2", secretHash: Array(repeating: 8, count: 32), role: "node", node: "n1"))
        #expect(try fixture.store.revokeNodeCredentials(node: "n1", keeping: "t2") == ["t1"])
        #expect(try fixture.store.token(id: "t1")?.isRevoked == true)
        #expect(try fixture.store.token(id: "t2")?.isRevoked == false)
        #expect(throws: JobStoreError.self) { try fixture.store.revokeToken(id: "none") }

        #expect(throws: JobStoreError.self) {
            try fixture.store.recordHeartbeat(node: "n1", at: Date(), free: nil, pinsAdded: [], pinsRemoved: [], fetchedBytes: 0, localBytes: 0)
        }
        let pin = NodePin(cid: StoreFixture.cid(9), size: 100, isPrivate: true)
        try fixture.store.joinNode(NodeRecord(id: "n1", url: "http://x", capacity: NodeResources(slots: 2)), pins: [pin])
        try fixture.store.setNodeState("n1", to: .down)
        try fixture.store.recordHeartbeat(
            node: "n1", at: Date(), free: NodeResources(slots: 1), pinsAdded: [NodePin(cid: StoreFixture.cid(10), size: 5)],
            pinsRemoved: [pin.cid], fetchedBytes: 3, localBytes: 4)
        let node = try #require(try fixture.store.node("n1"))
        #expect(node.state == .ready)
        #expect(node.free == NodeResources(slots: 1))
        #expect(node.fetchedBytes == 3 && node.localBytes == 4)
        #expect(try fixture.store.nodePins()["n1"]?.map(\.cid) == [StoreFixture.cid(10).v1])
    }
}
