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
}
