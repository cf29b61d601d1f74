import ArgumentParser
import Foundation
import Pipeline
import Worker

extension Shoal {
    /// `shoal plan SPEC [--json]`: prints the task graph in the order it would run, with each
    /// task's recipe key and whether a run would reuse an earlier step.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the tasks of a pipeline in dependency order, without running anything.",
            discussion: """
                For each task whose inputs can be known before running (pipeline inputs, local paths \
                hashed without being stored, outputs of tasks that would be cache hits), the recipe key is \
                shown, marked (cached) when `shoal run` would reuse an earlier step instead of running it.
                """)

        @Argument(help: "The pipeline spec (YAML or JSON).")
        var spec: String

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let plan: PipelinePlan
            do {
                plan = try LocalNode.plan(try SpecLoader.load(contentsOf: URL(fileURLWithPath: spec)), home: home.path)
            } catch {
                throw Output.failure(error)
            }
            if output.json {
                try Output.json(plan)
            } else {
                print(plan.text)
            }
        }
    }
}
