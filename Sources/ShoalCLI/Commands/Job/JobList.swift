import ArgumentParser
import PoolClient

/// `shoal job list [--limit N] [--json]`.
struct JobList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the requester's jobs, newest first.")

    @Option(help: "How many jobs to show.") var limit = 50
    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if limit < 1 || limit > 1000 { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        let jobs = try await requester.withClient(home: home) { try await $0.jobs(limit: limit) }
        if output.json { return try Output.json(jobs) }
        if jobs.isEmpty { return print("no jobs") }
        for job in jobs {
            let counts = (job.taskCounts ?? [:]).sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("\(job.id)  \(job.state.padding(toLength: 9, withPad: " ", startingAt: 0))  \(JobText.time(job.created))  \(job.name)\(counts.isEmpty ? "" : "  (\(counts))")")
        }
    }
}
