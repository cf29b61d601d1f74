import Foundation
import IPLD
import ShoalTesting
@testable import JobStore

/// A fresh store in its own temporary folder (kept alive with the store).
struct StoreFixture {
    let folder = TemporaryDirectory("jobstore")
    let store: JobStore

    init() throws {
        store = try JobStore(home: folder.path)
    }

    /// A raw-block CID made from SplitMix64 bytes.
    static func cid(_ seed: UInt64) -> CID {
        Block(bytes: SplitMix64.bytes(seed: seed, count: 32), codec: .raw).cid
    }

    /// Creates a job with these task ids and returns its id.
    @discardableResult
    func job(_ tasks: [String] = ["a", "b"], options: JobOptions = JobOptions(), id: String = JobID.generate()) throws -> String {
        try store.createJob(
            JobRecord(id: id, name: "test", spec: "{}", inputs: ["corpus": Self.cid(1)], tools: ["a": Self.cid(2)], options: options),
            tasks: tasks.map { NewTask(id: $0) })
        return id
    }

    /// Runs a task through ready → running, returning the attempt number.
    func start(_ job: String, _ task: String) throws -> Int {
        try store.markReady(job: job, task: task)
        return try store.startAttempt(job: job, task: task, node: "did:key:z6Mktest")
    }
}
