import Foundation
import IPLD
import ShoalTesting
import Testing

/// `shoal run` as a user meets it: real processes, real sandbox, a fresh home per test.
@Suite(.ownThread, .enabled(if: geteuid() == 0, "the sandbox needs root"))
struct ShoalRunTests {
    @Test func aDiamondRunsThenIsAllCacheHitsThenRerunsWithoutTheCache() throws {
        let workspace = try Workspace()
        try workspace.spec("diamond.yaml", Workspace.diamond)
        let first = try workspace.run("run", "diamond.yaml", "--json")
        #expect(first.status == 0, "\(first)")
        let run1 = try RunDocument(first)
        #expect(run1.state == "succeeded")
        #expect(run1.tasks.map(\.id) == ["clean", "stats", "vocab", "report"])
        #expect(run1.tasks.allSatisfy { $0.state == "succeeded" && $0.attempts == 1 && !$0.cached })
        #expect(first.stderr.isEmpty, "piped: no progress output")
        let report = try #require(run1["report"]?.outputs["report"])
        let cat = try workspace.run("cat", "\(report)/report.txt")
        #expect(cat.stdout.hasPrefix("40\n{\"alpha\": "), "\(cat)")

        let second = try RunDocument(try workspace.run("run", "diamond.yaml", "--json"))
        #expect(second.run != run1.run)
        #expect(second.state == "succeeded")
        #expect(second.tasks.allSatisfy { $0.state == "cached" && $0.cached })
        #expect(second.tasks.map(\.outputs) == run1.tasks.map(\.outputs))
        #expect(second.tasks.map(\.original) == run1.tasks.map(\.step))

        let third = try RunDocument(try workspace.run("run", "diamond.yaml", "--no-cache", "--json"))
        #expect(third.tasks.allSatisfy { $0.state == "succeeded" })
        #expect(third.tasks.map(\.outputs) == run1.tasks.map(\.outputs))
        #expect(third.tasks.map(\.step) != run1.tasks.map(\.step))

        // The human output names the run and each task's outputs.
        let human = try workspace.run("run", "diamond.yaml")
        #expect(human.status == 0)
        #expect(human.stdout.hasPrefix("run "))
        #expect(human.stdout.contains("succeeded: 4 tasks, 0 ran, 4 cached"))
        #expect(human.stdout.contains("report=\(report)"))
        // And the plan now knows every task would be a cache hit.
        let plan = try workspace.run("plan", "diamond.yaml")
        #expect(plan.stdout.components(separatedBy: "(cached)").count == 5, "\(plan)")
    }

    @Test func aFailingTaskIsReportedWithItsStderrAndItsDependantsSkipped() throws {
        let workspace = try Workspace()
        let spec = Workspace.diamond.replacingOccurrences(
            of: #"run: [sh, -c, "wc -l < /inputs/text/lines.txt > /outputs/stats/lines"]"#,
            with: #"run: [sh, -c, "echo reading lines >&2; echo cannot count the lines >&2; exit 3"]"#)
        try workspace.spec("failing.yaml", spec)
        let result = try workspace.run("run", "failing.yaml", "--keep-going", "--json")
        #expect(result.status == 1)
        let run = try RunDocument(result)
        #expect(run.state == "failed")
        #expect(run["clean"]?.state == "succeeded")
        #expect(run["vocab"]?.state == "succeeded")       // independent of the failure: it ran
        #expect(run["stats"]?.state == "failed")
        #expect(run["stats"]?.reason == "exit-code")
        #expect(run["stats"]?.object["exitCode"] as? Int == 3)
        #expect(run["report"]?.state == "skipped")
        #expect(run["report"]?.reason == "dependency-failed")
        #expect(result.stderr.contains("task 'stats' failed (exit-code): exited with code 3"), "\(result.stderr)")
        #expect(result.stderr.contains("  | reading lines\n  | cannot count the lines"))
        // The full log is there too.
        let logs = try workspace.run("logs", run.run, "stats", "--stderr")
        #expect(logs.stdout == "reading lines\ncannot count the lines\n")
    }

    @Test func aFailingTaskRunsAgainWithinItsRetries() throws {
        let workspace = try Workspace()
        try workspace.spec("retried.yaml", """
            version: 1
            name: retried
            tasks:
              - id: flaky
                run: [sh, -c, "echo attempt >&2; exit 3"]
                outputs: [o]
                retries: 2
            """)
        let result = try workspace.run("run", "retried.yaml", "--json")
        #expect(result.status == 1)
        let run = try RunDocument(result)
        #expect(run["flaky"]?.state == "failed")
        #expect(run["flaky"]?.object["attempts"] as? Int == 3)
        let human = try workspace.run("run", "retried.yaml")
        #expect(human.status == 1)
        #expect(human.stdout.contains("failed: 1 task, 0 ran, 0 cached, 1 failed"), "\(human.stdout)")
    }

    @Test func outputsThatAreMissingOrUnsafeFailTheTask() throws {
        let workspace = try Workspace()
        try workspace.spec("outputs.yaml", """
            version: 1
            name: outputs
            tasks:
              - id: lazy
                run: [sh, -c, "echo done > /outputs/written/f"]
                outputs: [written, forgotten]
              - id: sneaky
                run: [sh, -c, "ln -s ../../../../../../etc/passwd /outputs/leak/passwd"]
                outputs: [leak]
              - id: fine
                run: [sh, -c, "echo ok > /outputs/ok/f"]
                outputs: [ok]
            """)
        let result = try workspace.run("run", "outputs.yaml", "--keep-going", "--json")
        #expect(result.status == 1)
        let run = try RunDocument(result)
        #expect(run["lazy"]?.reason == "missing-output")
        #expect(run["lazy"]?.message == "exited 0 but wrote nothing to /outputs/forgotten")
        #expect(run["lazy"]?.outputs.isEmpty == true)
        #expect(run["sneaky"]?.reason == "unsafe-output")
        #expect(run["sneaky"]?.message?.contains("passwd") == true)
        #expect(run["sneaky"]?.outputs.isEmpty == true)
        #expect(run["fine"]?.state == "succeeded")
        // Nothing of the failed tasks became a pinned result.
        let pins = try workspace.run("pin", "ls", "--json")
        #expect(!pins.stdout.contains("passwd"))
    }

    @Test func logsAndRunsShowWhatHappened() throws {
        let workspace = try Workspace()
        try workspace.spec("hello.yaml", """
            version: 1
            name: hello
            tasks:
              - {id: greet, run: [sh, -c, "echo hello; echo to-stderr >&2; echo hi > /outputs/g/f"], outputs: [g]}
            """)
        let run = try RunDocument(try workspace.run("run", "hello.yaml", "--json"))
        #expect(try workspace.run("logs", run.run, "greet").stdout == "hello\n")
        #expect(try workspace.run("logs", String(run.run.prefix(10)), "greet", "--stderr").stdout == "to-stderr\n")
        let missing = try workspace.run("logs", run.run, "nope")
        #expect(missing.status != 0)
        #expect(missing.stderr == "error: not found: run \(run.run) has no task 'nope' (its tasks: greet)\n")
        let runs = try workspace.run("runs")
        #expect(runs.stdout.contains("\(run.run)"))
        #expect(runs.stdout.contains("succeeded"))
    }
}
