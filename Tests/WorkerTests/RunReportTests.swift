import Foundation
import IPLD
import JobStore
import Testing
@testable import Worker

struct RunReportTests {
    @Test func theJSONNamesEveryTaskWithItsStateAndCIDs() throws {
        let cid = try CID("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
        let job = JobRecord(id: "0000000001abcd", name: "p", spec: "", state: .failed, reason: "task 'b' failed: exited with code 2")
        let started = Date(timeIntervalSince1970: 100)
        let tasks = [
            TaskRecord(jobID: job.id, id: "a", position: 0, state: .cached, attempts: 1, recipe: cid, step: cid,
                       outputs: ["o": cid], original: cid, started: started, finished: started.addingTimeInterval(0.5)),
            TaskRecord(jobID: job.id, id: "b", position: 1, state: .failed, attempts: 2, reason: "exit-code",
                       message: "exited with code 2", exitCode: 2, stderrTail: "boom"),
        ]
        let report = RunReport(job: job, tasks: tasks)
        #expect(!report.succeeded)
        #expect(report.failedTasks.map(\.id) == ["b"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any])
        #expect(json["run"] as? String == "0000000001abcd")
        #expect(json["state"] as? String == "failed")
        let list = try #require(json["tasks"] as? [[String: Any]])
        #expect(list[0]["cached"] as? Bool == true)
        #expect((list[0]["outputs"] as? [String: String])?["o"] == cid.string)
        #expect(list[0]["step"] as? String == cid.string)
        #expect(list[0]["seconds"] as? Double == 0.5)
        #expect(list[1]["reason"] as? String == "exit-code")
        #expect(list[1]["attempts"] as? Int == 2)
        #expect(list[1]["stderrTail"] as? String == "boom")
    }
}
