import Units
import ArgumentParser
import BlockStore
import Foundation

extension Shoal {
    /// `shoal gc`: removes blocks that no pin keeps.
    struct GC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc", abstract: "Remove every block that no pin keeps, and report what was freed.")

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let report = try home.openRepo().collectGarbage()
            if output.json { return try Output.json(report) }
            for removed in report.removed { print("removed \(removed.cid)") }
            print("freed \(HumanFormat.bytes(UInt64(report.freedBytes))) in \(report.removed.count) blocks; kept \(report.keptBlocks)")
        }
    }

    /// `shoal repo verify|stat`: checks on the local store.
    struct RepoGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "repo", abstract: "Inspect and check the local block store.",
            subcommands: [Verify.self, Stat.self])

        struct Verify: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Re-hash every stored block and report corrupted, missing and stray ones (changes nothing).")

            @OptionGroup var home: HomeOptions
            @OptionGroup var output: OutputOptions

            func run() throws {
                let report = try home.openRepo().verify()
                if output.json {
                    try Output.json(report)
                } else {
                    for problem in report.corrupt { print("corrupt \(problem.cid): \(problem.path)") }
                    for problem in report.missing { print("missing \(problem.cid): \(problem.path)") }
                    for problem in report.orphans { print("orphan \(problem.cid): \(problem.path)") }
                    for problem in report.unverifiable { print("unverifiable \(problem.cid): \(problem.path)") }
                    let verdict = report.isHealthy ? "ok" : "PROBLEMS FOUND"
                    print("\(verdict): checked \(report.checkedBlocks) blocks (\(HumanFormat.bytes(UInt64(report.checkedBytes))))")
                }
                if !report.isHealthy { throw ExitCode.failure }
            }
        }

        struct Stat: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show the number and size of stored blocks.")

            @OptionGroup var home: HomeOptions
            @OptionGroup var output: OutputOptions

            struct Report: Encodable { var home: String; var blocks: Int; var bytes: Int; var pins: Int }

            func run() throws {
                let repo = try home.openRepo()
                let stats = try repo.statistics()
                let report = Report(home: home.path, blocks: stats.blocks, bytes: stats.bytes, pins: try repo.pins().count)
                if output.json { return try Output.json(report) }
                print("home \(report.home)\nblocks \(report.blocks)\nsize \(HumanFormat.bytes(UInt64(report.bytes)))\npins \(report.pins)")
            }
        }
    }
}
