import Testing
@testable import Worker

@Suite(.enabled(if: canSandbox, "the sandbox needs root"))
struct LocalDispatcherTests {
    @Test func itRunsStepsThroughTheExecutorAndCannotReattach() async throws {
        let world = try ExecutorWorld()
        let dispatcher = LocalDispatcher(executor: world.executor)
        let assignment = try world.assignment(["sh", "-c", "echo x > /outputs/out/x"])
        let outcome = try await dispatcher.dispatch(assignment)
        #expect(outcome.status == .succeeded)
        #expect(try await dispatcher.reattach(assignment) == nil)
    }
}
