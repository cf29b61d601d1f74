import Foundation
import JobStore
import ShoalTesting
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

    @Test func concurrentClaimsEachGetTheirNodesExecutionsWithALease() async throws {
        let (store, folder) = try placedStore(tasks: 40, nodes: 20)
        defer { withExtendedLifetime(folder) {} }
        let batcher = ClaimBatcher(store: store, lease: .seconds(30))
        let before = Date()
        let answers = try await withThrowingTaskGroup(of: (String, [ExecutionRecord]).self) { group in
            for node in 0..<20 { group.addTask { ("n\(node)", try await batcher.claim(node: "n\(node)", limit: 4)) } }
            return try await group.reduce(into: [String: [ExecutionRecord]]()) { $0[$1.0] = $1.1 }
        }
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
}
