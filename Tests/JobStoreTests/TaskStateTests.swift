import Testing
@testable import JobStore

struct TaskStateTests {
    @Test func endStatesAndSuccess() {
        #expect(TaskState.allCases.filter(\.isTerminal) == [.succeeded, .cached, .failed, .skipped, .cancelled])
        #expect(TaskState.allCases.filter(\.isSuccessful) == [.succeeded, .cached])
        #expect(TaskState.allCases.filter(\.isRetryable) == [.failed, .skipped, .cancelled])
    }

    @Test func theTaskStateMachine() {
        #expect(TaskState.pending.canChange(to: .ready))
        #expect(TaskState.pending.canChange(to: .skipped))
        #expect(!TaskState.pending.canChange(to: .running))        // must become ready first
        #expect(TaskState.ready.canChange(to: .running))
        #expect(TaskState.running.canChange(to: .running))         // a new attempt after a lost one
        #expect(TaskState.running.canChange(to: .cached))
        #expect(!TaskState.running.canChange(to: .skipped))        // a started task is not skipped
        #expect(!TaskState.running.canChange(to: .pending))
        #expect(TaskState.failed.canChange(to: .pending))          // resume tries it again
        #expect(TaskState.succeeded.successors.isEmpty)
        #expect(TaskState.cached.successors.isEmpty)
        // Every successor of an end state is pending: nothing jumps from an end to running.
        for state in TaskState.allCases where state.isTerminal {
            #expect(state.successors.isSubset(of: [.pending]))
        }
    }

    @Test func theJobStateMachine() {
        #expect(JobState.pending.canChange(to: .running))
        #expect(JobState.running.canChange(to: .running))
        #expect(JobState.failed.canChange(to: .running))
        #expect(!JobState.succeeded.canChange(to: .running))
        #expect(!JobState.pending.canChange(to: .succeeded))
        #expect(JobState.allCases.filter(\.isTerminal) == [.succeeded, .failed, .cancelled])
    }
}
