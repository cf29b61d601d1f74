import Foundation
import Testing

@testable import Worker

@Suite struct ExecutionJournalTests {
    @Test func entriesLastUntilRemovedAndLeftoversTakeTheirLogsAlong() throws {
        let world = try AgentWorld()
        let home = WorkerHome(world.home)
        let journal = ExecutionJournal(home: home)
        let done = try world.assignment("e/1", run: ["x"], task: "a")
        let crashed = try world.assignment("e2", run: ["x"], task: "b")
        journal.record(done)
        journal.record(crashed)
        journal.remove("e/1")
        let logs = home.logs(job: crashed.step.jobID, task: "b", attempt: 1)
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        #expect(journal.leftovers().map(\.execution) == ["e2"])
        let cleaned = journal.cleanUpLeftovers()
        #expect(cleaned == [ExecutionJournal.Entry(execution: "e2", job: crashed.step.jobID, task: "b", attempt: 1)])
        #expect(journal.leftovers().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: logs))
    }
}
