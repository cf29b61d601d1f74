import Foundation
import PoolAPI
import Testing

@testable import Worker

@Suite struct ExecutionTableTests {
    @Test func slotsFillAndFreeAndAnExecutionRunsOnce() async throws {
        let world = try AgentWorld()
        let table = ExecutionTable(slots: 2)
        let release = AsyncStream<Void>.makeStream()
        let a = try world.assignment("a", run: ["x"])
        #expect(await table.start(a) { for await _ in release.stream {} })
        #expect(await !table.start(a) {})  // the same execution again: not started twice
        #expect(await table.freeSlots == 1)
        #expect(await table.runningIDs == ["a"])
        #expect(await table.runningRecipes == [a.step.recipe])
        release.continuation.finish()
        #expect(await table.waitUntilEmpty(timeout: .seconds(30)))
        #expect(await table.freeSlots == 2)
    }

    @Test func stoppingCancelsAndRemembersWhy() async throws {
        let world = try AgentWorld()
        let table = ExecutionTable(slots: 1)
        let events = EventLog()
        await table.start(try world.assignment("a", run: ["x"])) {
            do { try await Task.sleep(for: .seconds(3600)) } catch { events.append("cancelled") }
        }
        #expect(await table.stop(["a", "unknown"], reason: .requester) == ["a"])
        let reason = await table.stopReason("a")
        let running = await table.isRunning("a")
        #expect(reason == .requester || !running)
        #expect(await table.waitUntilEmpty(timeout: .seconds(30)))
        #expect(events.all == ["cancelled"])
    }

    @Test func waitingForTheTableToEmptyEndsAtTheDeadline() async throws {
        let world = try AgentWorld()
        let table = ExecutionTable(slots: 1)
        await table.start(try world.assignment("a", run: ["x"])) { try? await Task.sleep(for: .seconds(3600)) }
        #expect(await !table.waitUntilEmpty(timeout: .milliseconds(50)))
        #expect(await table.isRunning("a"))
        await table.stopAll(reason: .shutdown)
        #expect(await table.waitUntilEmpty())
    }
}
