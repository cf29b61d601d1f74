import Foundation
import Synchronization

/// A few threads of the requester's own for blocking work (SQLite, block files, `syncfs`), so
/// that work never holds a thread that async code needs.
///
/// On Linux, Swift's global executor runs tasks on libdispatch's global root queue, the same
/// queue `DispatchQueue.global()` feeds: a report that blocked there (creating block files,
/// waiting 7.5 ms for a `syncfs`, waiting for SQLite's writer) held one of the threads the claim
/// long-polls and the coordinators run on, and libdispatch only adds threads once it notices
/// them blocked. These threads are separate: blocking work queues here, in order, and async code
/// keeps its threads. They still share the CPU with everything else; what they do not take is a
/// turn on the executor's threads.
///
/// ```swift
/// let result = try await BlockingPool.shared.run { try store.expensiveWrite() }
/// ```
final class BlockingPool: @unchecked Sendable {
    // @unchecked: `pending` and `started` are read and written only with `condition` locked.
    /// The pool requester routes offload their short store work to (``offload(_:)``): reports,
    /// intake, heartbeats.
    static let shared = BlockingPool(threads: 4, name: "shoal-block")
    /// The pool for work whose length the caller sets (``offloadBulk(_:)``): importing an upload
    /// of any size, lineage walks and verifications of whole DAGs. Kept apart so four large
    /// uploads cannot hold every thread while reports wait and leases run out.
    static let bulk = BlockingPool(threads: 2, name: "shoal-bulk")
    /// The placement loop's passes (``PlacementService``), one at a time: one thread for the
    /// process (a process runs one requester, but tests run several, whose passes then queue).
    static let placement = BlockingPool(threads: 1, name: "shoal-place")

    /// What a taken job's slot holds until the queue is compacted, so the job's captures (a
    /// report's blocks, say) are released as soon as it has run.
    private static let taken: @Sendable () -> Void = {}

    private let condition = NSCondition()
    private var pending: [@Sendable () -> Void] = []
    /// Index of the next job in `pending` (the array is compacted when it runs empty).
    private var head = 0
    private var started = false
    private let threads: Int
    private let name: String
    /// The pool's threads, as they registered when they started.
    private let members = Mutex<Set<pthread_t>>([])

    /// A pool of `threads` threads named `name-N` (the system keeps 15 characters of a thread's
    /// name), started on first use; they live as long as the process.
    init(threads: Int, name: String) {
        precondition(threads > 0, "a blocking pool needs at least one thread")
        self.threads = threads
        self.name = name
    }

    /// Runs `work` on one of the pool's threads and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Queues `job` for the next free thread.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        pending.append(job)
        let start = !started
        started = true
        condition.signal()
        condition.unlock()
        if start {
            for number in 1...threads {
                let label = "\(name)-\(number)"
                Thread { [self] in
                    // Named from inside (the system thread's name): it would inherit its creator's.
                    Thread.current.name = label
                    loop()
                }.start()
            }
        }
    }

    /// Whether the calling code runs on one of this pool's threads.
    var isCurrentThread: Bool { members.withLock { $0.contains(pthread_self()) } }

    private func loop() {
        members.withLock { _ = $0.insert(pthread_self()) }
        while true {
            condition.lock()
            while head == pending.count { condition.wait() }
            let job = pending[head]
            pending[head] = Self.taken
            head += 1
            if head == pending.count {
                pending.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024, head * 2 >= pending.count {
                // A backlog that never runs empty: drop the slots already taken.
                pending.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}
