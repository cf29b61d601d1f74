import Foundation
import JobStore
import ShoalTesting
import Testing

/// `shoal run` killed midway (SIGKILL: no chance to clean up), then `shoal run --resume RUN`.
@Suite(.ownThread, .enabled(if: geteuid() == 0, "the sandbox needs root"))
struct ShoalResumeTests {
    static let spec = """
        version: 1
        name: interrupted
        tasks:
          - {id: fast, run: [sh, -c, "echo a > /outputs/o/f"], outputs: [o]}
          - {id: side, run: [sh, -c, "echo s > /outputs/o/f"], outputs: [o]}
          - id: slow
            run: [sh, -c, "sleep 5.71828; echo b > /outputs/o/f"]
            inputs: {a: {from: fast.o}}
            outputs: [o]
          - id: after
            run: [sh, -c, "cat /inputs/b/f /inputs/s/f > /outputs/o/f"]
            inputs: {b: {from: slow.o}, s: {from: side.o}}
            outputs: [o]
        """

    /// Synchronous on purpose: the polling must not wait for a turn on Swift's cooperative
    /// threads, which other tests' blocking process waits can hold for longer than the slow task runs.
    @Test func aKilledRunResumesWithoutRedoingFinishedTasks() throws {
        let workspace = try Workspace()
        try workspace.spec("slow.yaml", Self.spec)
        let running = try workspace.shoal.start(["run", "slow.yaml", "--json"], in: workspace.folder.path)

        // Wait (by state, not by time) until the slow task runs and the others before it are done,
        // reading the run's store directly so that polling costs no process start.
        var run: String?
        for _ in 0..<6000 where run == nil && running.isRunning {
            if FileManager.default.fileExists(atPath: workspace.home + "/" + JobStore.fileName),
               let store = try? JobStore(home: workspace.home), let job = try? store.jobs(limit: 1).first,
               let tasks = try? store.tasks(of: job.id),
               tasks.filter({ $0.state == .running }).map(\.id) == ["slow"],
               tasks.filter({ $0.state == .succeeded }).count == 2 {
                run = job.id
            } else {
                usleep(10_000)
            }
        }
        guard let run else {
            running.kill(SIGKILL)
            Issue.record("the slow task never started: \(running.wait())")
            return
        }
        let interrupted = RunSummaryDocument(run: run, state: "running", counts: [:])
        running.kill(SIGKILL)
        #expect(running.wait().status == 128 + SIGKILL)

        // The launcher follows its parent: the step's processes are gone too.
        var leftover = true
        for _ in 0..<500 where leftover {
            leftover = Self.processes(containing: "sleep 5.71828") > 0
            if leftover { usleep(10_000) }
        }
        #expect(!leftover, "the killed run's step is still running")
        #expect(try RunSummaryDocument.latest(workspace).state == "interrupted")

        let store = try JobStore(home: workspace.home)
        let before = Dictionary(uniqueKeysWithValues: try store.tasks(of: interrupted.run).map { ($0.id, $0) })
        #expect(before["slow"]?.state == .running)

        let resumed = try workspace.run("run", "--resume", interrupted.run, "--json")
        #expect(resumed.status == 0, "\(resumed)")
        let document = try RunDocument(resumed)
        #expect(document.run == interrupted.run)
        #expect(document.state == "succeeded")
        for task in ["fast", "side"] {
            #expect(document[task]?.attempts == 1)
            #expect(document[task]?.step == before[task]?.step?.string)
        }
        #expect(document["slow"]?.attempts == 2)
        #expect(document["after"]?.attempts == 1)
        #expect(try store.attempts(job: interrupted.run, task: "slow").map(\.state) == [AttemptRecord.lostState, "succeeded"])
        #expect(try RunSummaryDocument.latest(workspace).state == "succeeded")
        let output = try #require(document["after"]?.outputs["o"])
        #expect(try workspace.run("cat", "\(output)/f").stdout == "b\ns\n")
    }

    /// How many processes have `text` in their command line.
    static func processes(containing text: String) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        }.count
    }
}

/// The newest entry of `shoal runs --json`.
struct RunSummaryDocument {
    var run: String
    var state: String
    var counts: [String: Int]

    static func latest(_ workspace: Workspace) throws -> RunSummaryDocument {
        let result = try workspace.run("runs", "--json")
        guard let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]],
              let first = list.first, let run = first["run"] as? String, let state = first["state"] as? String
        else { throw ShoalProcessError("no run yet: \(result)") }
        return RunSummaryDocument(run: run, state: state, counts: first["counts"] as? [String: Int] ?? [:])
    }
}
