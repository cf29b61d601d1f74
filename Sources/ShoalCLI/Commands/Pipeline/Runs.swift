import ArgumentParser
import Foundation
import Worker

extension Shoal {
    /// `shoal runs [--limit N] [--json]`: the runs of this node, newest first.
    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the runs in $SHOAL_HOME, newest first.",
            discussion: "A run whose process stopped before it ended is shown as interrupted (continue it with shoal run --resume RUN).")

        @Option(help: "How many runs to list.")
        var limit = 20

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let runs: [RunSummary]
            do {
                runs = try LocalNode(home: home.path).runs(limit: limit)
            } catch {
                throw Output.failure(error)
            }
            if output.json {
                try Output.json(runs)
                return
            }
            let formatter = ISO8601DateFormatter()
            for run in runs {
                let counts = run.counts.keys.sorted().map { "\(run.counts[$0]!) \($0)" }.joined(separator: ", ")
                print("\(run.run)  \(formatter.string(from: run.created))  \(run.state.padding(toLength: 11, withPad: " ", startingAt: 0))  \(run.name)  (\(counts))")
            }
        }
    }
}
