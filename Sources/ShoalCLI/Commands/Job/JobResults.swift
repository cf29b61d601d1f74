import ArgumentParser
import PoolClient
import Units

/// `shoal job results JOB -o DIR [--task TASK]... [--json]`.
struct JobResults: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Fetch a job's outputs (verified, through the requester's gateway) and write them to DIR/<task>/<output>.",
        discussion: "Each output DAG is checked block by block against its CID, kept in this node's store, then written as files.")

    @Argument(help: "The job id.") var job: String
    @Option(name: .shortAndLong, help: "The folder to write into.") var output: String
    @Option(name: .customLong("task"), help: "Only this task's outputs (repeatable).") var tasks: [String] = []
    @OptionGroup var requester: RequesterOptions
    @OptionGroup var home: HomeOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let (job, folder, only) = (self.job, self.output, tasks.isEmpty ? nil : Set(tasks))
        let written = try await requester.withClient(home: home) { client in
            let repo = try home.openRepo()
            return try await Interruption.cancelling {
                try await ResultsDownloader(client: client, repo: repo).download(job: job, to: folder, tasks: only)
            }
        }
        if json { return try Output.json(written) }
        for file in written {
            print("\(file.path)  \(file.cid)  \(HumanFormat.bytes(file.bytes))\(file.fetchedBytes > 0 ? "" : " (already here)")")
        }
    }
}
