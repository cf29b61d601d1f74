import Synchronization
import Testing
@testable import Requester

@Suite struct ExecutionBoardTests {
    @Test func aCompletedWaitHandsItsEndingToTheWaiter() async {
        let board = ExecutionBoard()
        async let ending = board.wait("e1") {}
        while board.waiting == 0 { await Task.yield() }
        board.complete("e1", .returned(node: "n"))
        guard case .returned(let node) = await ending else {
            Issue.record("expected a return")
            return
        }
        #expect(node == "n")
        #expect(board.waiting == 0 && board.leftovers == 0)
    }

    @Test func aWaitCancelledBeforeItRegistersEndsCancelled() async {
        let board = ExecutionBoard()
        let task = Task { () -> ExecutionEnding in
            withUnsafeCurrentTask { $0?.cancel() }
            return await board.wait("e2") {}
        }
        guard case .cancelled = await task.value else {
            Issue.record("expected a cancellation")
            return
        }
        #expect(board.waiting == 0 && board.leftovers == 0)
    }

    /// A cancellation that comes just as (or after) the execution ends must not leave a mark
    /// behind for a wait that is over: the board would keep it for ever.
    @Test func cancellingAWaitAsItEndsLeavesNothingBehind() async {
        let board = ExecutionBoard()
        for round in 0..<300 {
            let id = "e\(round)"
            let task = Task { await board.wait(id) {} }
            while board.waiting == 0 { await Task.yield() }
            board.complete(id, .cancelled)
            task.cancel()
            _ = await task.value
        }
        #expect(board.waiting == 0)
        #expect(board.leftovers == 0)
    }

    /// An execution announced before it is stored can end before its wait registers (a fast
    /// node claims and reports it first): the ending is kept for the wait, which reads nothing.
    @Test func anAnnouncedExecutionThatEndsBeforeItsWaitHandsTheEndingOver() async {
        let board = ExecutionBoard()
        let checks = Atomic<Int>(0)
        board.expect(["e1"])
        board.complete("e1", .returned(node: "n"))
        // A second ending (a late duplicate) does not replace the first.
        board.complete("e1", .cancelled)
        let ending = await board.wait("e1") { checks.add(1, ordering: .relaxed) }
        guard case .returned(let node) = ending else {
            Issue.record("expected the kept return, got \(ending)")
            return
        }
        #expect(node == "n")
        #expect(checks.load(ordering: .relaxed) == 0)
        #expect(board.expectations == 0 && board.waiting == 0)
    }

    @Test func anAnnouncedExecutionsWaitDoesNotCheckTheStore() async {
        let board = ExecutionBoard()
        let checks = Atomic<Int>(0)
        board.expect(["e1"])
        async let ending = board.wait("e1") { checks.add(1, ordering: .relaxed) }
        while board.waiting == 0 { await Task.yield() }
        board.complete("e1", .cancelled)
        guard case .cancelled = await ending else {
            Issue.record("expected a cancellation")
            return
        }
        #expect(checks.load(ordering: .relaxed) == 0)
        #expect(board.expectations == 0)
    }

    @Test func anExecutionNotAnnouncedIsCheckedAndAnEndingWithoutWaiterIsDropped() async {
        // Found in the store (after a restart): an ending before the wait is not kept; the
        // wait's check finds it in the store instead.
        let board = ExecutionBoard()
        board.complete("e1", .returned(node: "n"))
        #expect(board.expectations == 0)
        let checks = Atomic<Int>(0)
        let ending = await board.wait("e1") {
            checks.add(1, ordering: .relaxed)
            board.complete("e1", .lost(node: "n", reason: "lease expired"))
        }
        guard case .lost = ending else {
            Issue.record("expected what the check found, got \(ending)")
            return
        }
        #expect(checks.load(ordering: .relaxed) == 1)
    }

    @Test func withdrawingAnAnnouncementForgetsItsKeptEnding() {
        let board = ExecutionBoard()
        board.expect(["e1", "e2"])
        board.complete("e1", .cancelled)
        board.unexpect(["e1", "e2"])
        #expect(board.expectations == 0)
    }
}
