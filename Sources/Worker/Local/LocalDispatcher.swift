import Orchestrator

/// The dispatcher of `shoal run`: runs each step in this process with a ``StepExecutor``.
///
/// It cannot reach a step started by an earlier process (that process and its sandbox are
/// gone), so ``reattach(_:)`` keeps the protocol's default and returns `nil`: the coordinator
/// runs such a step again as a new attempt.
///
/// When the executor's repository does not flush before every pin (`syncBeforePin: false`, as
/// ``LocalRun`` opens it), ``settle(job:)`` flushes the block store once, before the run's end
/// is recorded: one `syncfs` per run instead of one per step.
public struct LocalDispatcher: StepDispatcher {
    public let executor: StepExecutor

    public init(executor: StepExecutor) {
        self.executor = executor
    }

    public func dispatch(_ assignment: StepAssignment) async throws -> StepOutcome {
        await executor.execute(assignment)
    }

    public func settle(job: String) async throws {
        if !executor.repo.options.syncBeforePin { try executor.repo.blocks.synchronize() }
    }
}
