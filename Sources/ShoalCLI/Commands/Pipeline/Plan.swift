import ArgumentParser
import Foundation
import Pipeline

extension Shoal {
    /// `shoal plan SPEC [--json]`: prints the task graph in the order it would run.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the tasks of a pipeline in dependency order, without running anything.")

        @Argument(help: "The pipeline spec (YAML or JSON).")
        var spec: String

        @OptionGroup var output: OutputOptions

        func run() throws {
            let plan: PipelinePlan
            do {
                plan = try PipelinePlan(try SpecLoader.load(contentsOf: URL(fileURLWithPath: spec)))
            } catch {
                if error.diagnostics.isEmpty {
                    Output.note(error.message)
                } else {
                    for diagnostic in error.diagnostics { Output.note(diagnostic.description) }
                }
                throw ExitCode.failure
            }
            if output.json {
                try Output.json(plan)
            } else {
                print(plan.text)
            }
        }
    }
}
