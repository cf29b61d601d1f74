import Foundation
import Testing
@testable import JobStore

@Suite struct ExecutionRecordTests {
    /// A dispatcher queues a whole wave within a millisecond or two: ids made that fast must not
    /// collide (with a job id's 20 random bits alone, 100,000 ids made in a burst always did).
    @Test func idsMadeInABurstAreAllDifferent() {
        let ids = (0..<100_000).map { _ in ExecutionRecord.generateID() }
        #expect(Set(ids).count == ids.count)
    }

    @Test func anIdIsAnXATimeOrderedJobIDAndEightMoreRandomCharacters() throws {
        let id = ExecutionRecord.generateID()
        #expect(id.hasPrefix("x"))
        #expect(id.count == 1 + 14 + 8)
        let job = String(id.dropFirst().prefix(14))
        #expect(JobID.isValid(job))
        let made = try #require(JobID.creationDate(of: job))
        #expect(abs(made.timeIntervalSinceNow) < 60)
        #expect(id.dropFirst(15).utf8.allSatisfy(JobID.alphabet.contains))
    }
}
