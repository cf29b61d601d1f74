import ArgumentParser
import PoolClient

/// `shoal job cancel JOB [--json]`.
struct JobCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a job: running steps are stopped, finished results are kept.")

    @Argument(help: "The job id.") var job: String
    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let status = try await requester.withClient(home: home) { try await $0.cancel(job: job) }
        if output.json { return try Output.json(status) }
        print("job \(status.id): \(status.state)")
    }
}
