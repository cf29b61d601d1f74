import Foundation
import JobStore
import ShoalTesting
import Synchronization
import Testing
@testable import Requester

@Suite struct ClaimBatcherTests {
    /// A store holding one job with `tasks` executions, the i-th placed on node `n<i % nodes>`.
    private func placedStore(tasks: Int, nodes: Int) throws -> (JobStore, TemporaryDirectory) {
        let folder = TemporaryDirectory("claim-batcher")
        let store = try JobStore(home: folder.path)
        let names = (0..<tasks).map { "t\($0)" }
        let job = JobID.generate()
        try store.createJob(JobRecord(id: job, name: "claims", spec: "{}"), tasks: names.map { NewTask(id: $0) })
        try store.markReady(job: job, tasks: names)
        try store.startAttempts(job: job, tasks: names, node: nil)
        let records = names.map { ExecutionRecord(id: ExecutionRecord.generateID(), jobID: job, taskID: $0, attempt: 1, assignment: "{}") }
        try store.createExecutions(records)
        _ = try store.placeExecutions(records.enumerated().map { ($1.id, "n\($0 % nodes)", "test") })
        return (store, folder)
    }

    @Test func concurrentClaimsAreOneTransactionAndEachGetsItsNodesExecutionsWithALease() async throws {
        let (store, folder) = try placedStore(tasks: 40, nodes: 20)
        defer { withExtendedLifetime(folder) {} }
        // The store's claims, counting the transactions and the claims in each.
        let batches = Mutex<[Int]>([])
        let batcher = ClaimBatcher(lease: .seconds(30)) { requests, leaseUntil, now in
            batches.withLock { $0.append(requests.count) }
            return try store.claimExecutions(for: requests, leaseUntil: leaseUntil, at: now)
        }
        // The claimer thread is held until all twenty claims are queued, as when a placement
        // wakes twenty long-polls at once: they must be served by one transaction.
        let gate = DispatchSemaphore(value: 0)
        ClaimBatcher.claimer.submit { gate.wait() }
        let before = Date()
        let answers = try await withThrowingTaskGroup(of: (String, [ExecutionRecord]).self) { group in
            for node in 0..<20 { group.addTask { ("n\(node)", try await batcher.claim(node: "n\(node)", limit: 4)) } }
            group.addTask {
                for _ in 0..<10_000 where batcher.queued < 20 { try? await Task.sleep(for: .milliseconds(1)) }
                gate.signal()
                return ("gate", [])
            }
            return try await group.reduce(into: [String: [ExecutionRecord]]()) { $0[$1.0] = $1.1 }
        }.filter { $0.key != "gate" }
        #expect(batches.withLock { $0 } == [20])
        #expect(answers.count == 20)
        for (node, claimed) in answers {
            #expect(claimed.count == 2, "\(node)")
            for record in claimed {
                #expect(record.node == node)
                #expect(record.state == .assigned)
                let lease = try #require(record.leaseExpires)
                #expect(lease >= before + 29 && lease <= Date() + 30)
                #expect(try store.execution(record.id)?.state == .assigned)
            }
        }
        // Nothing is claimed twice, and a node with nothing left gets nothing.
        #expect(Set(answers.values.joined().map(\.id)).count == 40)
        #expect(try await batcher.claim(node: "n0", limit: 4).isEmpty)
    }

    @Test func aLimitIsKept() async throws {
        let (store, folder) = try placedStore(tasks: 5, nodes: 1)
        defer { withExtendedLifetime(folder) {} }
        let batcher = ClaimBatcher(store: store, lease: .seconds(30))
        #expect(try await batcher.claim(node: "n0", limit: 2).count == 2)
        #expect(try await batcher.claim(node: "n0", limit: 9).count == 3)
    }

    @Test func aClaimThatFailsFailsAloneNotTheOthersInItsBatch() async throws {
        struct Unreadable: Error {}
        let (store, folder) = try placedStore(tasks: 20, nodes: 10)
        defer { withExtendedLifetime(folder) {} }
        // The store, except that a batch holding node n3 cannot be read (a corrupt row of n3's).
        let batcher = ClaimBatcher(lease: .seconds(30)) { requests, leaseUntil, now in
            if requests.contains(where: { $0.node == "n3" }) { throw Unreadable() }
            return try store.claimExecutions(for: requests, leaseUntil: leaseUntil, at: now)
        }
        // The claimer thread is held until all ten claims are queued: they are one batch.
        let gate = DispatchSemaphore(value: 0)
        ClaimBatcher.claimer.submit { gate.wait() }
        let answers = await withTaskGroup(of: (String, Result<[ExecutionRecord], any Error>).self) { group in
            for node in 0..<10 {
                group.addTask { ("n\(node)", await Result { try await batcher.claim(node: "n\(node)", limit: 4) }) }
            }
            group.addTask {
                for _ in 0..<10_000 where batcher.queued < 10 { try? await Task.sleep(for: .milliseconds(1)) }
                gate.signal()
                return ("gate", .success([]))
            }
            return await group.reduce(into: [String: Result<[ExecutionRecord], any Error>]()) { $0[$1.0] = $1.1 }
        }.filter { $0.key != "gate" }
        #expect(answers.count == 10)
        for (node, answer) in answers {
            switch answer {
            case .success(let claimed): #expect(node != "n3" && claimed.count == 2, "\(node)")
            case .failure(let error): #expect(node == "n3" && error is Unreadable, "\(node): \(error)")
            }
        }
    }
}

extension Result where Failure == any Error {
    /// The result of an async throwing body.
    init(_ body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
