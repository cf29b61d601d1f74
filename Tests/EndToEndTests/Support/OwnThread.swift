import Dispatch
import Testing

/// Runs each test of a suite on a thread of its own rather than on one of Swift's cooperative
/// threads.
///
/// These tests drive real `shoal` processes and wait for them synchronously (process exits,
/// `waitUntil` polling) for seconds to minutes. On a 2-core machine the cooperative pool has two
/// threads: two such tests blocking both starve every async test running beside them (gateway
/// fetches then hit their idle timeouts, requester tests their leases). Under a task executor
/// preference the same task, task-locals and all (so `#expect` still reports to its test), runs
/// its synchronous body on a private serial queue, whose thread libdispatch may add beyond the
/// core count.
struct OwnThreadTrait: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }  // a suite: its tests get their own
        try await withTaskExecutorPreference(QueueExecutor(label: "shoal-e2e \(test.name)")) {
            try await function()
        }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Each test runs on a thread of its own (see ``OwnThreadTrait``).
    static var ownThread: Self { Self() }
}

/// A task executor that runs jobs on a private serial dispatch queue.
final class QueueExecutor: TaskExecutor {
    let queue: DispatchQueue

    /// Set on every queue of this kind, so a test can tell where it runs.
    static let key = DispatchSpecificKey<String>()

    init(label: String) {
        queue = DispatchQueue(label: label)
        queue.setSpecific(key: Self.key, value: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
