import ArgumentParser
import Foundation
import Sandbox
import Worker

extension Shoal {
    /// `shoal run SPEC [--no-cache] [--keep-going] [--resume RUN] [--concurrency N] [--json]`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a pipeline on this machine: every task in the sandbox, outputs as CIDs, signed provenance.",
            discussion: """
                Tool folders and local inputs are added to the store first; tasks then run in dependency \
                order, independent ones in parallel. A task whose recipe already ran here is reused (a cache \
                hit) unless --no-cache or its spec says cache: false. A failed task stops its dependants; \
                without --keep-going no new task starts after a failure. State is kept in $SHOAL_HOME, so \
                an interrupted run continues with --resume RUN (failed and skipped tasks are tried again). \
                Exit status: 0 when every task succeeded, 1 otherwise.
                """)

        @Argument(help: "The pipeline spec (YAML or JSON). Not needed with --resume.")
        var spec: String?

        @Flag(name: .customLong("no-cache"), help: "Run every task, even when an earlier step with the same recipe exists.")
        var noCache = false

        @Flag(name: .customLong("keep-going"), help: "After a failure, still run every task that does not depend on it.")
        var keepGoing = false

        @Option(help: ArgumentHelp("Continue an interrupted or failed run (its id or a unique prefix).", valueName: "RUN"))
        var resume: String?

        @Option(help: "Tasks run at once (default: the number of cores).")
        var concurrency = ProcessInfo.processInfo.activeProcessorCount

        @Flag(name: .customLong("insecure-no-sandbox"), help: "Run tasks WITHOUT isolation, directly on this host (debugging only).")
        var insecure = false

        @OptionGroup var home: HomeOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if spec == nil && resume == nil { throw ValidationError("give a spec file to run, or --resume RUN") }
            if spec != nil && resume != nil { throw ValidationError("give either a spec file or --resume RUN, not both") }
            if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
            if resume != nil && (noCache || keepGoing) {
                throw ValidationError("a resumed run keeps the --no-cache and --keep-going choices it was started with")
            }
        }

        func run() async throws {
            if insecure {
                Output.note("""
                    !!! WARNING: --insecure-no-sandbox: every task runs DIRECTLY ON THIS HOST as uid \(geteuid()), \
                    with no namespaces, no seccomp filter and full access to this machine. Never use it for tools \
                    you do not trust. !!!
                    """)
            }
            let options = LocalRun.Options(
                home: home.path, noCache: noCache, keepGoing: keepGoing, concurrency: concurrency,
                isolation: insecure ? .insecureNoSandbox : .sandboxed)
            let source: LocalRun.Source = resume.map { .resume($0) } ?? .spec(spec!)
            let progress = RunProgress(enabled: Output.stderrIsTerminal && !output.json)
            let report: RunReport
            do {
                report = try await Interruption.cancelling {
                    try await LocalRun.run(source, options: options) { progress.handle($0) }
                }
            } catch {
                progress.finish()
                throw Output.failure(error)
            }
            progress.finish()
            if output.json {
                try Output.json(report)
            } else {
                print(Self.summary(report))
            }
            for task in report.failedTasks {
                Output.note("task '\(task.id)' failed (\(task.reason ?? "failed")): \(task.message ?? "no detail")")
                if let tail = task.stderrTail {
                    for line in tail.split(separator: "\n", omittingEmptySubsequences: false) { Output.note("  | \(line)") }
                }
                Output.note("  (full logs: shoal logs \(report.run) \(task.id) --stderr)")
            }
            if !report.succeeded { throw ExitCode.failure }
        }

        /// The human report on stdout: the run and one line per task with its outputs.
        static func summary(_ report: RunReport) -> String {
            let ran = report.tasks.filter { $0.state == .succeeded }.count
            let cached = report.tasks.filter(\.cached).count
            let failed = report.tasks.filter { $0.state == .failed }.count
            let count = report.tasks.count
            var lines = ["run \(report.run) \(report.state.rawValue): \(count) task\(count == 1 ? "" : "s"), \(ran) ran, \(cached) cached"]
            if failed > 0 { lines[0] += ", \(failed) failed" }
            if let reason = report.reason, !report.succeeded { lines[0] += " (\(reason))" }
            let width = report.tasks.map(\.id.count).max() ?? 0
            for task in report.tasks {
                var line = "  " + task.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + task.state.rawValue
                for name in task.outputs.keys.sorted() { line += "  \(name)=\(task.outputs[name]!)" }
                if !task.state.isSuccessful, let message = task.message { line += "  (\(message))" }
                lines.append(line)
            }
            return lines.joined(separator: "\n")
        }
    }
}
