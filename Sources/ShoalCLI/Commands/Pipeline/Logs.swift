import ArgumentParser
import Foundation
import Worker

extension Shoal {
    /// `shoal logs RUN TASK [--stderr]`: a task's output, while it runs or after.
    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a task's standard output (or --stderr) from a run.",
            discussion: """
                While the task runs, or when it ran in this run, the log file of its latest attempt is \
                printed; for a cached task, the logs recorded by the step it reuses.
                """)

        @Argument(help: ArgumentHelp("The run id (or a unique prefix).", valueName: "run"))
        var runID: String

        @Argument(help: "The task id.")
        var task: String

        @Flag(help: "Print standard error instead of standard output.")
        var stderr = false

        @OptionGroup var home: HomeOptions

        func run() throws {
            do {
                let node = try LocalNode(home: home.path)
                let source = try node.logs(run: runID, task: task, stream: stderr ? .stderr : .stdout)
                try node.write(source, to: STDOUT_FILENO)
            } catch {
                throw Output.failure(error)
            }
        }
    }
}
