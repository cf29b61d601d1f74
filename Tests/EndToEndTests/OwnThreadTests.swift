import Dispatch
import Testing

/// The trait that keeps process-driving tests off Swift's cooperative threads.
@Suite(.ownThread) struct OwnThreadTests {
    @Test func aSynchronousTestRunsOnItsOwnQueue() {
        #expect(DispatchQueue.getSpecific(key: QueueExecutor.key) == "shoal-e2e aSynchronousTestRunsOnItsOwnQueue()")
    }

    @Test func soDoesAnAsynchronousOneAfterASuspension() async throws {
        try await Task.sleep(for: .milliseconds(1))
        #expect(DispatchQueue.getSpecific(key: QueueExecutor.key) != nil)
    }
}

@Suite struct WithoutOwnThreadTests {
    @Test func aTestWithoutTheTraitRunsOnTheCooperativePool() {
        #expect(DispatchQueue.getSpecific(key: QueueExecutor.key) == nil)
    }
}
