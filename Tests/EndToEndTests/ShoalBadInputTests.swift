import Foundation
import ShoalTesting
import Testing

/// Bad input is caught before anything runs: one clear line per problem, a non-zero exit, and
/// nothing stored changes.
@Suite(.ownThread, .enabled(if: geteuid() == 0, "the sandbox needs root"))
struct ShoalBadInputTests {
    /// Everything in the home that a run could change.
    func snapshot(_ workspace: Workspace) throws -> [String] {
        guard FileManager.default.fileExists(atPath: workspace.home) else { return ["no home"] }
        return [
            try workspace.run("pin", "ls").stdout,
            try workspace.run("runs", "--json").stdout,
            try workspace.run("repo", "stat").stdout,
        ]
    }

    @Test func anUnknownCIDInputIsRefusedBeforeAnythingRuns() throws {
        let workspace = try Workspace()
        _ = try workspace.run("add", "data/corpus.txt")      // the home exists and holds something
        let before = try snapshot(workspace)
        let spec = Workspace.diamond.replacingOccurrences(
            of: "corpus: data/corpus.txt", with: "corpus: bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba")
        try workspace.spec("unknown.yaml", spec)
        let result = try workspace.run("run", "unknown.yaml")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == """
            error: unknown CID: input 'corpus' bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba is not in \
            the local store (add it with `shoal add` or `shoal car import` first)

            """)
        #expect(try snapshot(workspace) == before)
    }

    @Test func aMissingToolFolderIsASpecErrorWithItsLocation() throws {
        let workspace = try Workspace()
        try workspace.spec("no-tool.yaml", Workspace.diamond.replacingOccurrences(of: "tool: tools/text\n    run: [python3, vocab.py]", with: "tool: tools/missing\n    run: [python3, vocab.py]"))
        let result = try workspace.run("run", "no-tool.yaml")
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("no-tool.yaml:16:11: tasks[2].tool: tool folder 'tools/missing' does not exist") == true, "\(result.stderr)")
        #expect(lines.first?.contains("tasks[2].tool") == true)
        #expect(!FileManager.default.fileExists(atPath: workspace.home), "nothing is created for a bad spec")
    }

    @Test func specErrorsAreAllReportedAtOnce() throws {
        let workspace = try Workspace()
        try workspace.spec("bad.yaml", """
            version: 1
            name: bad
            tasks:
              - id: a
                run: [true]
                colour: blue
              - id: b
                run: [true]
                inputs: {x: {from: nowhere.out}}
            """)
        let result = try workspace.run("run", "bad.yaml")
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(result.stderr)")
        #expect(lines[0].hasPrefix("bad.yaml:6:5: tasks[0].colour: "))
        #expect(lines[1].hasPrefix("bad.yaml:9:"))
        #expect(!result.stderr.contains("Fatal") && !result.stderr.contains("Stack"))
        #expect(try snapshot(workspace) == ["no home"])
    }

    @Test func argumentMistakesAreUsageErrors() throws {
        let workspace = try Workspace()
        let neither = try workspace.run("run")
        #expect(neither.status != 0)
        #expect(neither.stderr.contains("give a spec file to run, or --resume RUN"))
        let unknown = try workspace.run("run", "--resume", "0000000000zzzz")
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: not found: no run with id 0000000000zzzz\n")
        let notACID = try workspace.run("lineage", "not-a-cid")
        #expect(notACID.status != 0)
        #expect(notACID.stderr.contains("'not-a-cid' is not a CID"))
    }
}
