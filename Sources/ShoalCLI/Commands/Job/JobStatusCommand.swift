import ArgumentParser
import PoolClient

/// `shoal job status JOB [--json]`.
struct JobStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a job and each task's state, node, attempts, outputs and step.",
        discussion: "Exit status 0 whatever the job's state; `--json` gives each task's output CIDs and step CID.")

    @Argument(help: "The job id.") var job: String
    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let status = try await requester.withClient(home: home) { try await $0.job(job) }
        if output.json { return try Output.json(status) }
        print(JobText.status(status))
        for line in JobText.failures(status) { Output.note(line) }
    }
}
