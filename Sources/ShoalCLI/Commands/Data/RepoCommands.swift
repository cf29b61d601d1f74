import Units
import ArgumentParser
import BlockStore
import Foundation
import Worker

extension Shoal {
    /// `shoal gc`: removes blocks that no pin keeps, then the exports of DAGs that are gone.
    struct GC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc", abstract: "Remove every block that no pin keeps, and report what was freed.",
            discussion: """
                Then the export cache (cache/exports: inputs and tools exported as files for steps) \
                loses the exports of DAGs whose blocks are gone; it is left alone while steps run.
                """)

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let repo = try home.openRepo()
            let report = try repo.collectGarbage()
            let exports = try WorkerHome(home.path).pruneExportCache(repo: repo)
            if output.json { return try Output.json(GCOutput(report, exports: exports)) }
            for removed in report.removed { print("removed \(removed.cid)") }
            print("freed \(HumanFormat.bytes(UInt64(report.freedBytes))) in \(report.removed.count) blocks; kept \(report.keptBlocks)")
            if let skipped = exports.skipped {
                print("export cache not pruned: \(skipped)")
            } else if !exports.removed.isEmpty || exports.temporaryFoldersRemoved > 0 {
                print("export cache: freed \(HumanFormat.bytes(UInt64(exports.freedBytes))) in \(exports.removed.count) stale exports")
            }
        }
    }

    /// `shoal gc --json`: the block report's fields, plus what the export cache lost.
    struct GCOutput: Encodable {
        let report: GCReport
        let exports: ExportCachePruneReport

        init(_ report: GCReport, exports: ExportCachePruneReport) {
            self.report = report
            self.exports = exports
        }

        enum CodingKeys: String, CodingKey { case exports }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(exports, forKey: .exports)
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
